"""Notices in the recipient's language: the uploader's account language, the reporter's language
at filing; English for anything we do not write."""

import pytest

from hub.models import Account
from moderation.services.notices import render_notice
from policy.models import NoticeTemplate, PolicySection
from policy.seed import DEFAULT_POLICY_EXAMPLES
from reports.models import Report
from tests import flows
from tests.conftest import api_for
from tests.factories import AccountFactory, RepositoryFactory, moderator
from tests.flows import appeal_decide, committed, decide, dismiss


def file(repo, *, email="", language=""):
    """File a report in the browser's `language`; its receipt is mailed as after its commit."""
    with committed():
        return flows.file(
            repo,
            reporter={"email": email} if email else None,
            headers={"HTTP_ACCEPT_LANGUAGE": language} if language else None,
        )


def mail_to(mailoutbox, email):
    return [m for m in mailoutbox if m.to == [email]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "subject", "phrase"),
    [
        ("de", "Moderationsentscheidung zu uploader/demo", "Wenn Sie diese Entscheidung für falsch halten"),
        ("de-AT", "Moderationsentscheidung zu uploader/demo", "Aus Listen entfernen"),
        ("fr", "Moderation decision on uploader/demo", "If you think this decision is wrong"),
        ("", "Moderation decision on uploader/demo", "If you think this decision is wrong"),
    ],
)
def test_the_statement_of_reasons_follows_the_account_language(
    seeded, hub_receiver, mailoutbox, language, subject, phrase
):
    AccountFactory(handle="uploader", email="uploader@example.org", language=language)

    case_id = file(RepositoryFactory(owner__handle="uploader", name="demo"))["case_id"]
    with committed():
        decide(api_for(moderator()), case_id)

    [mail] = mail_to(mailoutbox, "uploader@example.org")
    assert mail.subject == subject
    assert phrase in mail.body
    assert "The demo impersonates a named journalist." in mail.body  # the moderator's words, as written


@pytest.mark.django_db
def test_the_appeal_outcome_is_in_the_account_language(seeded, hub_receiver, mailoutbox):
    from tests.factories import appeal_reviewer

    AccountFactory(handle="uploader", email="uploader@example.org", language="de")
    case_id = file(RepositoryFactory(owner__handle="uploader"))["case_id"]
    with committed():
        decision = decide(api_for(moderator()), case_id).json()
    mail = mail_to(mailoutbox, "uploader@example.org")[0]
    token = mail.body.split("/notices/")[1].split("/")[0]
    with committed():
        appeal = flows.appeal(decision["decision"]["id"], token, "Mine.").json()

    with committed():
        appeal_decide(appeal_reviewer(), appeal["id"], "overturned", "Zu Unrecht.")

    outcome = mail_to(mailoutbox, "uploader@example.org")[-1]
    assert outcome.subject.startswith("Über Ihren Widerspruch zu uploader/")
    assert "Ergebnis: Aufgehoben" in outcome.body
    assert "Die Entscheidung ist aufgehoben" in outcome.body


@pytest.mark.django_db
def test_reporters_get_their_receipt_and_outcome_in_the_language_they_filed_in(seeded, hub_receiver, mailoutbox):
    repo = RepositoryFactory(owner__handle="uploader")
    filed = file(repo, email="anna@example.de", language="de-DE,de;q=0.9")
    file(repo, email="bob@example.org", language="en-US")
    file(repo, email="chloe@example.fr", language="fr-FR")

    with committed():
        dismiss(api_for(moderator()), filed["case_id"])

    assert dict(Report.objects.values_list("reporter_email", "language")) == {
        "anna@example.de": "de", "bob@example.org": "en", "chloe@example.fr": "en",
    }  # fmt: skip
    receipt, outcome = mail_to(mailoutbox, "anna@example.de")
    assert receipt.subject.startswith("Wir haben Ihre Meldung zu uploader/")
    assert "Ihr Beleg:" in receipt.body
    assert outcome.subject.startswith("Ergebnis Ihrer Meldung zu uploader/")
    assert "nicht tätig zu werden (Kein Verstoß)" in outcome.body
    for email in ("bob@example.org", "chloe@example.fr"):
        receipt, outcome = mail_to(mailoutbox, email)
        assert receipt.subject.startswith("We received your report about uploader/")
        assert outcome.subject.startswith("Outcome of your report about uploader/")
        assert "We decided not to act (No Violation)" in outcome.body


@pytest.mark.django_db
def test_the_report_form_records_the_page_language(seeded, client):
    RepositoryFactory(owner__handle="acme", name="tiny")
    data = {"subject_type": "repository", "subject_id": "acme/tiny", "details__explanation": "It is spam."}

    response = client.post("/report/other/", data, HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 302
    assert Report.objects.get().language == "de"


@pytest.mark.django_db
def test_admins_edit_the_notice_per_language_and_a_language_without_one_gets_its_default(seeded):
    NoticeTemplate.objects.filter(kind="statement_of_reasons", language="de").update(
        subject="Entscheidung: {{ subject }}", body="Wir haben gehandelt."
    )
    context = {"subject": "a/b", "decision": None, "case": None, "notice_url": "", "action_labels": []}

    assert render_notice("statement_of_reasons", context, language="de") == (
        "Entscheidung: a/b",
        "Wir haben gehandelt.",
    )
    NoticeTemplate.objects.filter(kind="statement_of_reasons", language="de").delete()
    assert render_notice("statement_of_reasons", context, language="de")[0] == "Moderationsentscheidung zu a/b"
    assert render_notice("statement_of_reasons", context, language="pt-BR")[0] == "Moderation decision on a/b"


@pytest.mark.django_db
def test_seed_adds_german_notices_and_examples_once_and_keeps_edits(seeded):
    from hubmod.seed import seed

    section = PolicySection.objects.get(key="spam")
    PolicySection.objects.filter(key="harmful-use").update(allowed_examples=[], prohibited_examples=[])
    PolicySection.objects.filter(key="spam").update(allowed_examples=["Edited."])

    seed()

    assert set(NoticeTemplate.objects.values_list("language", flat=True)) == {"en", "de"}
    assert NoticeTemplate.objects.count() == 8  # four kinds, two languages
    assert PolicySection.objects.get(key="harmful-use").prohibited_examples == DEFAULT_POLICY_EXAMPLES["harmful-use"][1]
    section.refresh_from_db()
    assert section.allowed_examples == ["Edited."]


@pytest.mark.django_db
def test_the_hub_syncs_an_account_language(hub_api):
    response = hub_api.put("/api/v1/hub/accounts/anna", {"email": "anna@example.de", "language": "de-AT"},
                           format="json")  # fmt: skip
    again = hub_api.put("/api/v1/hub/accounts/anna", {"display_name": "Anna"}, format="json")

    assert response.status_code == 201
    assert again.status_code == 200
    assert Account.objects.get(handle="anna").language == "de-AT"  # left alone when not sent
    too_long = hub_api.put("/api/v1/hub/accounts/anna", {"language": "x" * 17}, format="json")
    assert too_long.status_code == 400
