"""Trusted flaggers go first; notifiers who keep filing unfounded reports are warned, then
suspended; a surge of distinct reporters is flagged but never acted on; the SLA table is the
admins' to edit."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from hubmod.actors import Actor
from hubmod.audit.log import verify_chain
from hubmod.audit.models import AuditEvent
from moderation.models import Case, EnforcementAction
from moderation.services.cases import case_claim
from moderation.services.decisions import case_dismiss
from policy.models import SlaRule
from reports.models import Report, Reporter
from reports.reporters import reporter_credential_issue
from tests.factories import RepositoryFactory, moderator
from tests.flows import committed, post_report
from tests.reports.samples import complete_details


def file(repo, category="other", email="", address="127.0.0.1"):
    """POST a report from `address`; its receipt is mailed as after its commit."""
    with committed():
        return post_report(
            repo,
            category,
            client=APIClient(REMOTE_ADDR=address),
            reporter={"email": email, "name": "N"} if email else None,
        )


@pytest.mark.django_db
def test_priority_and_due_date_come_from_the_sla_table_admins_edit(seeded):
    child = file(RepositoryFactory(), "child_safety").json()
    spam = file(RepositoryFactory(), "spam").json()
    rule = SlaRule.objects.get(category="spam")
    rule.priority, rule.hours_to_decision = 99, 2
    rule.save()  # as the admin does
    spam_after_edit = file(RepositoryFactory(), "spam").json()

    child_case, spam_case, edited = (Case.objects.get(pk=r["case_id"]) for r in (child, spam, spam_after_edit))
    assert child_case.priority == max(SlaRule.objects.values_list("priority", flat=True))
    assert child_case.due_at - child_case.created_at <= timedelta(hours=1, seconds=1)
    assert spam_case.priority < child_case.priority
    assert edited.priority == 99
    assert edited.due_at - edited.created_at <= timedelta(hours=2, seconds=1)


@pytest.mark.django_db
def test_a_trusted_flaggers_report_goes_ahead_and_raises_an_existing_case(seeded):
    repo = RepositoryFactory()
    ordinary = file(repo, email="someone@example.org").json()
    case_before = Case.objects.get(pk=ordinary["case_id"])
    flagger, token = reporter_credential_issue(email="ngo@flaggers.example", actor=Actor.staff(moderator()))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = {"subject": {"type": "repository", "id": repo.full_name}, "category": "other",
            "details": complete_details("other")}  # fmt: skip

    trusted = client.post("/api/v1/reports", body, format="json").json()

    case_after = Case.objects.get(pk=trusted["case_id"])
    assert case_after.pk == case_before.pk
    assert case_after.priority > case_before.priority
    assert case_after.due_at < case_before.due_at
    assert Report.objects.get(pk=trusted["id"]).reporter == flagger


def dismiss_as_unfounded(case_id):
    mod = moderator()
    case_claim(case_id=case_id, actor=Actor.staff(mod))
    with committed():
        case_dismiss(case_id=case_id, actor=Actor.staff(mod), reason="unfounded", statement="Nothing there.")


@pytest.mark.django_db
def test_repeated_unfounded_notices_bring_a_warning_then_a_suspension_with_a_notice(settings, mailoutbox, seeded):
    settings.UNFOUNDED_WARN_AFTER = 2
    settings.UNFOUNDED_SUSPEND_AFTER = 3
    settings.UNFOUNDED_SUSPENSION_DAYS = 30
    email = "troll@example.org"

    for _ in range(3):
        dismiss_as_unfounded(file(RepositoryFactory(), email=email).json()["case_id"])
    refused = file(RepositoryFactory(), email=email)

    reporter = Reporter.objects.get(email=email)
    assert reporter.warned_at is not None
    assert reporter.suspended_until > timezone.now() + timedelta(days=29)
    subjects = [m.subject for m in mailoutbox if m.to == [email]]
    assert "About your reports" in subjects
    assert "You are suspended from filing reports" in subjects
    assert refused.status_code == 403
    assert f"until {reporter.suspended_until:%Y-%m-%d}" in refused.json()["detail"]
    assert "manifestly unfounded" in refused.json()["detail"]
    assert Report.objects.filter(reporter=reporter).count() == 3


@pytest.mark.django_db
def test_trusted_flaggers_and_other_dismissal_reasons_never_lead_to_suspension(settings, seeded):
    settings.UNFOUNDED_WARN_AFTER = 1
    settings.UNFOUNDED_SUSPEND_AFTER = 1
    trusted = Reporter.objects.create(email="ngo@flaggers.example", trusted=True)
    dismiss_as_unfounded(file(RepositoryFactory(), email=trusted.email).json()["case_id"])
    other = file(RepositoryFactory(), email="honest@example.org").json()
    mod = moderator()
    case_claim(case_id=other["case_id"], actor=Actor.staff(mod))
    with committed():
        case_dismiss(case_id=other["case_id"], actor=Actor.staff(mod), reason="no_violation", statement="Fine.")

    assert Reporter.objects.get(email=trusted.email).suspended_until is None
    assert Reporter.objects.get(email="honest@example.org").suspended_until is None


@pytest.mark.django_db
def test_many_distinct_reporters_mark_a_surge_but_one_reporter_many_times_does_not(settings, seeded):
    settings.SURGE_DISTINCT_REPORTERS = 5
    settings.REPORT_RATE_PER_ADDRESS = "100/h"
    brigaded, repeated = RepositoryFactory(), RepositoryFactory()

    for i in range(5):
        file(brigaded, address=f"198.51.100.{i}")
        file(repeated, address="198.51.100.200")

    surge = Case.objects.get(repository=brigaded)
    assert surge.surge_detected_at is not None
    assert Case.objects.get(repository=repeated).surge_detected_at is None
    assert surge.state == "open"
    assert not EnforcementAction.objects.exists()


@pytest.mark.django_db
def test_repeat_reports_between_new_reporters_neither_hide_nor_fake_a_surge(settings, seeded):
    settings.SURGE_DISTINCT_REPORTERS = 4
    settings.REPORT_RATE_PER_ADDRESS = "100/h"
    brigaded = RepositoryFactory()

    for i in range(3):
        file(brigaded, address=f"198.51.100.{i}")
        for _ in range(3):
            file(brigaded, address="198.51.100.0")  # the first reporter again and again
    assert Case.objects.get(repository=brigaded).surge_detected_at is None  # 3 distinct of 4

    file(brigaded, address="198.51.100.9")

    assert Case.objects.get(repository=brigaded).surge_detected_at is not None


@pytest.mark.django_db
def test_the_report_that_marks_a_surge_is_chained_after_it_and_the_audit_chain_holds(settings, seeded):
    settings.SURGE_DISTINCT_REPORTERS = 2
    brigaded = RepositoryFactory()

    file(brigaded, address="198.51.100.1")
    last = file(brigaded, address="198.51.100.2").json()

    verbs = list(AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").values_list("verb", flat=True)[:2])
    assert verbs == ["report.filed", "case.surge_detected"]
    assert AuditEvent.objects.order_by("-seq").first().target_id == str(last["id"])
    assert verify_chain().broken_seq is None


@pytest.mark.django_db
def test_a_reporter_contests_a_decision_not_to_act_from_the_status_page(seeded, client, mailoutbox):
    from moderation.models import Appeal

    filed = file(RepositoryFactory(), email="reporter@example.org").json()
    mod = moderator()
    case_claim(case_id=filed["case_id"], actor=Actor.staff(mod))
    with committed():
        case_dismiss(case_id=filed["case_id"], actor=Actor.staff(mod), reason="no_violation", statement="Looks fine.")
    status_url = f"/reports/{filed['id']}/status?receipt={filed['receipt']}"

    page = client.get(status_url).content.decode()
    appeal_url = f"/reports/{filed['id']}/appeal?receipt={filed['receipt']}"
    with committed():
        sent = client.post(appeal_url, {"statement": "You missed file X."})
    with committed():
        again = client.post(appeal_url, {"statement": "Again."})
    with committed():
        forged = client.post(f"/reports/{filed['id']}/appeal?receipt=forged", {"statement": "x"})

    assert "Disagree with this decision?" in page
    assert "Looks fine." in page
    assert sent.status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.appellant, appeal.appellant_report_id, appeal.statement) == (
        "reporter",
        filed["id"],
        "You missed file X.",
    )
    assert again.status_code == 400
    assert "already open" in again.content.decode()
    assert forged.status_code == 404
    outcome_mail = next(m for m in mailoutbox if m.subject.startswith("Outcome"))
    assert "appeal" in outcome_mail.body
