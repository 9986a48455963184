"""Appeals: the window, one open appeal at a time, never decided by who decided or approved, each
outcome's effect on actions, strikes and notices; DMCA counter-notices on the statutory clock."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from hub.models import Repository
from moderation.models import Appeal, Case, Decision, EnforcementAction, Strike
from moderation.services.appeals import counter_notices_restore
from tests import flows
from tests.conftest import api_for
from tests.factories import AccountFactory, RepositoryFactory, appeal_reviewer, moderator
from tests.flows import appeal_decide, committed, decide, dismiss, file, notice_token


@pytest.fixture
def decided(seeded, hub_receiver, mailoutbox):
    """An applied delist, its strike, and the uploader's notice token."""
    AccountFactory(handle="uploader", email="uploader@example.org")
    repo = RepositoryFactory(owner__handle="uploader", name="demo")
    decider = moderator()
    with committed():  # the delist reaches the hub and the notice is mailed
        body = decide(api_for(decider), file(repo)["case_id"], departure_reason="Test.").json()
    return {"repo": repo, "decider": decider, "decision": body["decision"]["id"], "token": notice_token(mailoutbox)}


def appeal(decided, statement="It is mine.", **extra):
    with committed():
        return flows.appeal(decided["decision"], decided["token"], statement, **extra)


def review(user, appeal_id, outcome, **extra):
    with committed():
        return appeal_decide(user, appeal_id, outcome, **extra)


@pytest.mark.django_db
def test_an_appeal_after_the_window_is_400_and_inside_it_201(decided):
    Decision.objects.filter(pk=decided["decision"]).update(appeal_deadline=timezone.now() - timedelta(seconds=1))
    late = appeal(decided)
    Decision.objects.filter(pk=decided["decision"]).update(appeal_deadline=timezone.now() + timedelta(days=1))
    on_time = appeal(decided)

    assert late.status_code == 400
    assert "Appeals were open until" in late.json()["errors"]["decision"][0]
    assert on_time.status_code == 201
    assert on_time.json()["due_at"] is not None


@pytest.mark.django_db
def test_one_open_appeal_per_decision_and_appellant(decided):
    first = appeal(decided)
    second = appeal(decided, "Again.")
    review(appeal_reviewer(), first.json()["id"], "upheld")
    after_decided = appeal(decided, "New facts.")

    assert second.status_code == 409
    assert after_decided.status_code == 201


@pytest.mark.django_db
def test_neither_the_decider_nor_the_four_eyes_approver_may_decide_the_appeal(seeded, hub_receiver, mailoutbox):
    AccountFactory(handle="uploader", email="uploader@example.org")
    repo = RepositoryFactory(owner__handle="uploader")
    decider, approver = appeal_reviewer(), appeal_reviewer()
    with committed():
        case_id = file(repo)["case_id"]
        proposed = decide(api_for(decider), case_id, actions=["delist", "suspend_account"], departure_reason="Test.")
    with committed():
        api_for(approver).post(f"/api/v1/decisions/{proposed.json()['decision']['id']}/approve")
    with committed():
        filed = flows.appeal(proposed.json()["decision"]["id"], notice_token(mailoutbox), "No.").json()

    assert review(decider, filed["id"], "overturned").status_code == 403
    assert review(approver, filed["id"], "overturned").status_code == 403
    assert Appeal.objects.get().state == "submitted"
    assert review(appeal_reviewer(), filed["id"], "overturned").status_code == 200


@pytest.mark.django_db
def test_upheld_keeps_actions_and_strikes_and_tells_the_uploader(decided, mailoutbox):
    filed = appeal(decided).json()

    review(appeal_reviewer(), filed["id"], "upheld")

    assert Repository.objects.get(pk=decided["repo"].pk).visibility == "delisted"
    assert Strike.objects.get().revoked_at is None
    outcome = next(m for m in mailoutbox if "was decided" in m.subject)
    assert "Outcome: Upheld" in outcome.body


@pytest.mark.django_db
def test_overturned_reverts_actions_and_strikes_and_tells_the_uploader(decided, mailoutbox):
    filed = appeal(decided).json()

    review(appeal_reviewer(), filed["id"], "overturned")

    assert Repository.objects.get(pk=decided["repo"].pk).visibility == "listed"
    assert Strike.objects.get().revoked_at is not None
    assert EnforcementAction.objects.get(reverses__isnull=True).state == "reverted"
    outcome = next(m for m in mailoutbox if "was decided" in m.subject)
    assert "Outcome: Overturned" in outcome.body
    assert "being undone" in outcome.body


@pytest.mark.django_db
def test_modified_replaces_the_actions_and_keeps_the_strike(decided, hub_receiver):
    filed = appeal(decided).json()

    response = review(appeal_reviewer(), filed["id"], "modified", actions=["label"])
    missing = review(appeal_reviewer(), appeal(decided).json().get("id", 0) or filed["id"], "modified")

    assert response.json()["state"] == "modified"
    assert Repository.objects.get(pk=decided["repo"].pk).visibility == "listed"
    kinds = {(a.kind, a.state, a.reverses_id is not None) for a in EnforcementAction.objects.all()}
    assert kinds == {("delist", "reverted", False), ("delist", "applied", True), ("label", "applied", False)}
    assert Strike.objects.get().revoked_at is None
    assert missing.status_code in (400, 409)


@pytest.mark.django_db
def test_a_reporter_whose_dismissal_is_overturned_sees_the_case_reopened(seeded, hub_receiver):
    with committed():
        filed = file(RepositoryFactory(), reporter={"email": "r@example.org"})
    with committed():
        dismiss(api_for(moderator()), filed["case_id"])
    decision = Decision.objects.get()
    with committed():
        contested = APIClient().post(
            "/api/v1/appeals",
            {"decision": decision.pk, "statement": "Look again.", "report": filed["id"], "receipt": filed["receipt"]},
            format="json",
        ).json()  # fmt: skip

    review(appeal_reviewer(), contested["id"], "overturned")

    assert contested["appellant"] == "reporter"
    assert Case.objects.get(pk=filed["case_id"]).state == "reopened"


COUNTER = {
    "name": "Uma Uploader",
    "address": "2 Side St, Springfield, US",
    "phone": "+1 555 0100",
    "removed_material": "uploader/novel-model, the whole repository",
    "statement_of_mistake": True,
    "consent_to_jurisdiction": True,
    "signature": "Uma Uploader",
}


@pytest.fixture
def takedown(seeded, hub_receiver, mailoutbox):
    AccountFactory(handle="uploader", email="uploader@example.org")
    repo = RepositoryFactory(owner__handle="uploader", name="novel-model")
    with committed():
        filed = file(repo, "copyright", reporter={"name": "Rita", "email": "rita@publisher.example"})
    with committed():
        body = decide(
            api_for(moderator()), filed["case_id"], ground={"policy_section": "copyright"}, departure_reason="Test."
        ).json()
    return {"repo": repo, "filed": filed, "decision": body["decision"]["id"], "token": notice_token(mailoutbox)}


def counter_notify(takedown, **change):
    with committed():
        return APIClient().post(
        "/api/v1/appeals",
        {"decision": takedown["decision"], "statement": "I wrote it.", "token": takedown["token"],
         "kind": "counter_notice", "counter_notice": {**COUNTER, **change}},
        format="json",
    )  # fmt: skip


MONDAY = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)  # the Thanksgiving week is behind us; Dec 25 is ahead


@pytest.mark.django_db
def test_a_counter_notice_restores_on_business_day_10_and_not_before(takedown, mailoutbox):
    with time_machine.travel(MONDAY, tick=False):
        filed = counter_notify(takedown)
    # Ten business days after Monday 30 November: 14 December (no federal holiday in between).
    with time_machine.travel(datetime(2026, 12, 11, 15, 0, tzinfo=UTC), tick=False), committed():
        early = counter_notices_restore()
    with time_machine.travel(datetime(2026, 12, 14, 15, 1, tzinfo=UTC), tick=False), committed():
        on_time = counter_notices_restore()

    appeal_row = Appeal.objects.get()
    assert filed.status_code == 201
    assert appeal_row.restore_not_before.date().isoformat() == "2026-12-14"
    assert appeal_row.restore_not_after.date().isoformat() == "2026-12-18"
    assert early == 0
    assert on_time == 1
    assert appeal_row.state == "overturned"
    assert Repository.objects.get(pk=takedown["repo"].pk).visibility == "listed"
    forwarded = [m for m in mailoutbox if m.subject.startswith("Counter-notice")]
    assert {m.to[0] for m in forwarded} == {"rita@publisher.example"}
    assert "Uma Uploader" in forwarded[0].body
    assert "2026-12-14" in forwarded[0].body


@pytest.mark.django_db
def test_a_counter_notice_window_skips_federal_holidays(takedown):
    with time_machine.travel(datetime(2026, 12, 21, 15, 0, tzinfo=UTC), tick=False):
        counter_notify(takedown)

    # 25 December and 1 January are federal holidays: ten business days land on 6 January.
    assert Appeal.objects.get().restore_not_before.date().isoformat() == "2027-01-06"


@pytest.mark.django_db
def test_no_restore_when_the_notifier_reports_a_court_action(takedown):
    with time_machine.travel(MONDAY, tick=False):
        filed = counter_notify(takedown).json()
        with committed():
            wrong = APIClient().post(f"/api/v1/appeals/{filed['id']}/court-action",
                                 {"report": takedown["filed"]["id"], "receipt": "nope"}, format="json")  # fmt: skip
        with committed():
            court = APIClient().post(
                f"/api/v1/appeals/{filed['id']}/court-action",
                {"report": takedown["filed"]["id"], "receipt": takedown["filed"]["receipt"]},
                format="json",
            )
    with time_machine.travel(datetime(2026, 12, 18, 15, 0, tzinfo=UTC), tick=False), committed():
        restored = counter_notices_restore()

    assert wrong.status_code == 403
    assert court.json()["state"] == "upheld"
    assert restored == 0
    assert Repository.objects.get(pk=takedown["repo"].pk).visibility == "delisted"


@pytest.mark.django_db
def test_a_counter_notice_needs_its_legal_elements(takedown):
    missing = counter_notify(takedown, consent_to_jurisdiction=False)
    no_signature = counter_notify(takedown, signature="")

    assert missing.status_code == 400
    assert "consent_to_jurisdiction" in missing.json()["errors"]["counter_notice"]
    assert "signature" in no_signature.json()["errors"]["counter_notice"]


@pytest.mark.django_db
def test_an_appeal_retried_with_its_idempotency_key_is_filed_once(decided):
    payload = {"decision": decided["decision"], "statement": "It is mine.", "token": decided["token"]}

    with committed():
        first = APIClient().post("/api/v1/appeals", payload, format="json", HTTP_IDEMPOTENCY_KEY="appeal-1")
    with committed():
        retry = APIClient().post("/api/v1/appeals", payload, format="json", HTTP_IDEMPOTENCY_KEY="appeal-1")
    with committed():
        without_the_key = APIClient().post("/api/v1/appeals", payload, format="json")

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json()["id"] == first.json()["id"]
    assert without_the_key.status_code == 409  # a second appeal, which one open appeal at a time refuses
    assert Appeal.objects.count() == 1


@pytest.mark.django_db
def test_the_reviewer_reads_a_counter_notices_legal_elements_on_the_appeal_page(takedown, client):
    filed = counter_notify(takedown, address="2 Side St\nSpringfield, US").json()
    client.force_login(appeal_reviewer())

    page = client.get(f"/console/appeals/{filed['id']}/").content.decode()

    for element in ("Uma Uploader", "2 Side St<br>Springfield, US", "+1 555 0100", "the whole repository"):
        assert element in page
    assert page.count("Stated") == 2
    assert "Not stated" not in page
