"""Trusted flaggers (DSA Art. 22): trust follows a proven identity — the flagger's own API token,
or a hub key reporting on behalf of the hub account linked to it — never an e-mail address typed
into a report, which anyone can type."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from hubmod.audit.models import AuditEvent
from moderation.models import Case
from policy.models import SlaRule
from policy.sla import TRUSTED_FLAGGER_PRIORITY_BOOST
from reports.models import Report, Reporter
from tests.conftest import api_for, hub_client
from tests.factories import AccountFactory, RepositoryFactory, moderator
from tests.flows import decide
from tests.reports.samples import complete_details, form_data

FLAGGER = "hotline@flaggers.example"


def flagger_token(**options) -> str:
    out = StringIO()
    call_command("create_trusted_flagger", FLAGGER, "--name", "Hotline", stdout=out, **options)
    return out.getvalue().strip()


def report_body(repo, email: str = "", **extra) -> dict:
    body = {"subject": {"type": "repository", "id": repo.full_name}, "category": "spam",
            "details": complete_details("spam"), **extra}  # fmt: skip
    if email:
        body["reporter"] = {"name": "Hotline", "email": email}
    return body


def source_type(case_id: int) -> str:
    decide(api_for(moderator()), case_id)
    [statement] = APIClient().get("/api/v1/transparency/statements-of-reasons").json()["results"]
    return statement["source_type"]


def ordinary() -> int:
    """A spam case's priority from the SLA table, without a trusted flagger's boost."""
    return SlaRule.objects.get(category="spam").priority


@pytest.mark.django_db
def test_an_anonymous_api_report_typing_a_flaggers_address_is_an_ordinary_report(seeded, hub_receiver):
    flagger_token()
    repo = RepositoryFactory()

    filed = APIClient().post("/api/v1/reports", report_body(repo, email=FLAGGER.upper()), format="json")

    case = Case.objects.get(pk=filed.json()["case_id"])
    assert filed.status_code == 201
    assert case.priority == ordinary()
    assert Report.objects.get().reporter is None
    assert source_type(case.pk) == "SOURCE_TYPE_OTHER_NOTIFICATION"


@pytest.mark.django_db
def test_an_html_form_report_typing_a_flaggers_address_is_an_ordinary_report(seeded, hub_receiver):
    flagger_token()
    repo = RepositoryFactory()
    data = form_data("spam", repo.full_name) | {"reporter_name": "Hotline", "reporter_email": FLAGGER}

    filed = Client().post("/report/spam/", data)

    report = Report.objects.get()
    assert filed.status_code == 302
    assert report.case.priority == ordinary()
    assert report.reporter is None
    assert report.reporter_email == FLAGGER  # kept as the sender wrote it, for staff
    assert source_type(report.case_id) == "SOURCE_TYPE_OTHER_NOTIFICATION"


@pytest.mark.django_db
def test_a_report_filed_with_the_flaggers_own_token_is_trusted(seeded, hub_receiver):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {flagger_token()}")
    repo = RepositoryFactory()
    first = APIClient().post("/api/v1/reports", report_body(repo), format="json").json()

    filed = client.post("/api/v1/reports", report_body(repo), format="json")

    case = Case.objects.get(pk=filed.json()["case_id"])
    report = Report.objects.get(pk=filed.json()["id"])
    assert filed.status_code == 201
    assert case.pk == first["case_id"]  # it raised the open case rather than opening another
    assert case.priority == ordinary() + TRUSTED_FLAGGER_PRIORITY_BOOST
    assert report.reporter == Reporter.objects.get(email=FLAGGER)
    assert report.reporter_email == FLAGGER
    # The flagger's login is not staff: its identity stays out of the audit trail.
    assert AuditEvent.objects.get(verb="report.filed", target_id=str(report.pk)).actor_kind == "reporter"


@pytest.mark.django_db
def test_a_flaggers_first_report_makes_the_statement_of_reasons_say_trusted_flagger(seeded, hub_receiver):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {flagger_token()}")

    filed = client.post("/api/v1/reports", report_body(RepositoryFactory()), format="json").json()

    assert source_type(filed["case_id"]) == "SOURCE_TRUSTED_FLAGGER"


@pytest.mark.django_db
def test_the_flaggers_token_grants_nothing_but_filing(seeded):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {flagger_token()}")

    assert client.get("/api/v1/cases").status_code == 403
    assert client.put("/api/v1/hub/repositories/acme/x", {"kind": "model"}, format="json").status_code == 403


@pytest.mark.django_db
def test_a_hub_report_on_behalf_of_the_flaggers_linked_account_is_trusted_and_no_other_is(seeded):
    AccountFactory(handle="hotline-org")
    AccountFactory(handle="somebody")
    flagger_token(hub_account="hotline-org")
    hub = hub_client()
    first, second = RepositoryFactory(), RepositoryFactory()

    other = hub.post("/api/v1/reports", report_body(first, email=FLAGGER, on_behalf_of="somebody"), format="json")
    linked = hub.post("/api/v1/reports", report_body(second, on_behalf_of="hotline-org"), format="json")

    assert (other.status_code, linked.status_code) == (201, 201)
    assert Case.objects.get(pk=other.json()["case_id"]).priority == ordinary()
    assert Report.objects.get(pk=other.json()["id"]).reporter is None
    assert Case.objects.get(pk=linked.json()["case_id"]).priority == ordinary() + TRUSTED_FLAGGER_PRIORITY_BOOST
    assert Report.objects.get(pk=linked.json()["id"]).reporter.email == FLAGGER


@pytest.mark.django_db
def test_on_behalf_of_without_a_hub_key_is_refused_and_files_nothing(seeded):
    AccountFactory(handle="hotline-org")
    flagger_token(hub_account="hotline-org")

    refused = APIClient().post(
        "/api/v1/reports", report_body(RepositoryFactory(), on_behalf_of="hotline-org"), format="json"
    )

    assert refused.status_code == 400
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_issuing_a_credential_is_audited_and_a_revoked_trust_stops_the_boost(seeded):
    from hubmod.actors import Actor
    from reports.reporters import reporter_set_trusted

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {flagger_token()}")
    flagger = Reporter.objects.get(email=FLAGGER)
    reporter_set_trusted(reporter_id=flagger.pk, actor=Actor.staff(moderator()), trusted=False)

    filed = client.post("/api/v1/reports", report_body(RepositoryFactory()), format="json").json()

    assert AuditEvent.objects.filter(verb="reporter.credential_issued", target_id=str(flagger.pk)).count() == 1
    assert Case.objects.get(pk=filed["case_id"]).priority == ordinary()


@pytest.mark.django_db
def test_a_flagger_signed_in_on_the_html_form_is_trusted(seeded):
    flagger_token(password="a-long-pass-phrase-9")
    client = Client()
    client.force_login(Reporter.objects.get(email=FLAGGER).user)
    filed = client.post("/report/spam/", form_data("spam", RepositoryFactory().full_name))
    report = Report.objects.get()
    assert filed.status_code == 302
    assert report.case.priority == ordinary() + TRUSTED_FLAGGER_PRIORITY_BOOST
    assert report.reporter.email == FLAGGER
