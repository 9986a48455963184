"""Claim, decide, enforce, appeal, revert: the moderation path through the API, tasks eager."""

import re

import pytest
from rest_framework.test import APIClient

from hub.models import Repository
from hubmod.audit.models import AuditEvent
from moderation.models import Appeal, Case, Decision, EnforcementAction
from tests.conftest import api_for
from tests.factories import RepositoryFactory, appeal_reviewer, moderator
from tests.flows import committed

DECIDE = {
    "actions": ["delist"],
    "ground": {"policy_section": "copyright"},
    "intent": "deliberate",
    "statement": "The repository redistributes the novel's full text without permission.",
}


@pytest.fixture
def case(seeded):
    repo = RepositoryFactory(owner__handle="uploader", name="tiny")
    body = {
        "subject": {"type": "repository", "id": repo.full_name},
        "category": "other",
        "details": {"explanation": "Copied text."},
        "reporter": {"name": "Rita", "email": "rita@example.org"},
    }
    with committed():
        created = APIClient().post("/api/v1/reports", body, format="json").json()
    return Case.objects.get(pk=created["case_id"])


def decide(client, case, body=DECIDE):
    """Claim and decide; the enforcement and notices run as after the decision's commit."""
    client.post(f"/api/v1/cases/{case.pk}/claim")
    with committed():
        return client.post(f"/api/v1/cases/{case.pk}/decide", body, format="json")


@pytest.mark.django_db
def test_decision_delists_through_a_signed_webhook_and_notifies_uploader_and_reporter(case, hub_receiver, mailoutbox):
    mod = api_for(moderator())

    response = decide(mod, case)

    assert response.status_code == 200
    body = response.json()
    assert body["case"]["state"] == "resolved"
    assert body["decision"]["actions"] == ["delist"]
    assert body["decision"]["ground"]["policy_section"] == "copyright"
    [delivery] = hub_receiver.verified()
    assert delivery.payload["type"] == "enforcement.apply"
    assert delivery.payload["action"] == "delist"
    assert delivery.payload["subject"] == {"type": "repository", "id": "uploader/tiny"}
    assert Repository.objects.get(full_name="uploader/tiny").visibility == "delisted"
    assert EnforcementAction.objects.get().state == "applied"
    to_uploader = next(m for m in mailoutbox if m.to == ["uploader@uploaders.example"])
    to_reporter = next(m for m in mailoutbox if m.to == ["rita@example.org"] and m.subject.startswith("Outcome"))
    assert "Hub policy 2026-11, section copyright" in to_uploader.body
    assert "/notices/" in to_uploader.body
    assert "Rita" not in to_uploader.body
    assert "rita@" not in to_uploader.body
    assert "We took action" in to_reporter.body


@pytest.mark.django_db
def test_overturned_appeal_reverts_by_the_same_machinery_and_relists(case, hub_receiver, mailoutbox):
    decider = moderator()
    decide(api_for(decider), case)
    token = re.search(r"/notices/([^/\s]+)/", next(m.body for m in mailoutbox if "/notices/" in m.body)).group(1)
    decision = Decision.objects.get()

    with committed():
        appealed = APIClient().post(
            "/api/v1/appeals",
            {"decision": decision.pk, "statement": "It is my own text.", "token": token},
            format="json",
        )
    with committed():
        overturned = api_for(appeal_reviewer()).post(
            f"/api/v1/appeals/{appealed.json()['id']}/decide",
            {"outcome": "overturned", "statement": "The uploader showed they wrote the text."},
            format="json",
        )

    assert appealed.status_code == 201
    assert overturned.status_code == 200
    assert overturned.json()["state"] == "overturned"
    assert [d.payload["type"] for d in hub_receiver.verified()] == ["enforcement.apply", "enforcement.revert"]
    assert len({d.webhook_id for d in hub_receiver.verified()}) == 2
    assert Repository.objects.get(full_name="uploader/tiny").visibility == "listed"
    original, reversal = EnforcementAction.objects.order_by("id")
    assert (original.state, reversal.state, reversal.reverses_id) == ("reverted", "applied", original.pk)
    assert any("was decided" in m.subject for m in mailoutbox)


@pytest.mark.django_db
def test_the_decider_may_not_decide_the_appeal_even_as_a_reviewer(case, hub_receiver):
    decider = appeal_reviewer()
    decide(api_for(decider), case)
    decision = Decision.objects.get()
    appeal = Appeal.objects.create(decision=decision, appellant="uploader", statement="No.")

    with committed():
        response = api_for(decider).post(
            f"/api/v1/appeals/{appeal.pk}/decide", {"outcome": "overturned", "statement": "I was wrong."}, format="json"
        )

    assert response.status_code == 403
    appeal.refresh_from_db()
    assert appeal.state == "submitted"


@pytest.mark.django_db
def test_illegal_transition_is_409_with_the_current_state(case):
    mod = api_for(moderator())

    response = mod.post(f"/api/v1/cases/{case.pk}/release")

    assert response.status_code == 409
    assert response.json()["state"] == "open"


@pytest.mark.django_db
def test_deciding_a_case_claimed_by_someone_else_is_409_and_changes_nothing(case):
    api_for(moderator()).post(f"/api/v1/cases/{case.pk}/claim")

    response = api_for(moderator()).post(f"/api/v1/cases/{case.pk}/decide", DECIDE, format="json")

    assert response.status_code == 409
    assert Case.objects.get(pk=case.pk).state == "in_review"
    assert not Decision.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"actions": []}, "actions"),
        ({"actions": ["burn"]}, "actions"),
        ({"actions": ["delist", "delist"]}, "actions"),
        ({"ground": {}}, "ground"),
        ({"ground": {"policy_section": "no-such-section"}}, "ground"),
        ({"ground": {"license_clause": 999999}}, "ground"),
        ({"ground": {"policy_section": "copyright", "license_clause": 1}}, "ground"),
        ({"intent": "malice"}, "intent"),
        ({"statement": ""}, "statement"),
    ],
)
def test_bad_decisions_are_400_naming_the_field_and_leave_the_case_in_review(case, change, field):
    mod = api_for(moderator())
    mod.post(f"/api/v1/cases/{case.pk}/claim")

    response = mod.post(f"/api/v1/cases/{case.pk}/decide", {**DECIDE, **change}, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Case.objects.get(pk=case.pk).state == "in_review"


@pytest.mark.django_db
def test_a_license_clause_can_ground_a_decision(case, hub_receiver):
    from licenses.models import LicenseClause

    clause = LicenseClause.objects.filter(license__key="mit", actionable=True).first()

    response = decide(api_for(moderator()), case, {**DECIDE, "ground": {"license_clause": clause.pk}})

    assert response.status_code == 200
    assert response.json()["decision"]["ground"]["label"] == f"MIT License, clause {clause.ref}"


@pytest.mark.django_db
def test_moderation_endpoints_refuse_anonymous_hub_and_wrong_roles(case, hub_api):
    reviewer_only = "/api/v1/appeals/1/decide"
    assert APIClient().get("/api/v1/cases").status_code == 401
    assert hub_api.get("/api/v1/cases").status_code == 403
    assert hub_api.post(f"/api/v1/cases/{case.pk}/claim").status_code == 403
    assert (
        api_for(moderator()).post(reviewer_only, {"outcome": "upheld", "statement": "x"}, format="json").status_code
        == 403
    )


@pytest.mark.django_db
def test_every_transition_is_audited_once(case, hub_receiver):
    mod = api_for(moderator())
    mod.post(f"/api/v1/cases/{case.pk}/claim")
    mod.post(f"/api/v1/cases/{case.pk}/release")
    mod.post(f"/api/v1/cases/{case.pk}/escalate", {"reason": "Needs legal."}, format="json")

    verbs = list(
        AuditEvent.objects.filter(target_type="moderation.case", target_id=str(case.pk)).values_list(
            "verb", "data__from", "data__to"
        )
    )

    assert verbs == [
        ("case.opened", None, None),
        ("case.claim", "open", "in_review"),
        ("case.release", "in_review", "open"),
        ("case.escalate", "open", "escalated"),
    ]


@pytest.mark.django_db
def test_queue_is_most_urgent_first_and_cursor_paginates_without_gaps(seeded):
    from datetime import timedelta

    from django.utils import timezone

    from moderation.services.cases import case_for_report

    for i in range(120):
        c = case_for_report(
            repository=RepositoryFactory(), account=None, category="other" if i % 3 else "copyright"
        ).case
        Case.objects.filter(pk=c.pk).update(due_at=timezone.now() + timedelta(minutes=i % 7))
    mod = api_for(moderator())

    seen, cursor = [], None
    while True:
        page = mod.get("/api/v1/cases", {"cursor": cursor} if cursor else {}).json()
        seen += page["results"]
        cursor = page["next"]
        if not cursor:
            break

    assert len(seen) == 120
    assert len({c["id"] for c in seen}) == 120
    keys = [(-c["priority"], c["due_at"], c["id"]) for c in seen]
    assert keys == sorted(keys)
    assert mod.get("/api/v1/cases", {"cursor": "garbage"}).status_code == 400


@pytest.mark.django_db
def test_a_queue_line_reads_exactly_as_the_case_page_shows_the_case(seeded):
    from django.utils import timezone

    from hub.models import Account
    from hubmod.actors import Actor
    from moderation.api.serializers import CaseOutputSerializer
    from moderation.services.cases import case_claim, case_for_report

    mod = moderator()
    on_repository = case_for_report(repository=RepositoryFactory(), account=None, category="copyright").case
    account = Account.objects.create(handle="spammer")
    on_account = case_for_report(repository=None, account=account, category="spam").case
    case_claim(case_id=on_repository.pk, actor=Actor.staff(mod))
    Case.objects.filter(pk=on_repository.pk).update(surge_detected_at=timezone.now())
    client = api_for(mod)

    lines = client.get("/api/v1/cases").json()["results"]

    assert {line["id"] for line in lines} == {on_repository.pk, on_account.pk}
    for line in lines:
        shown = client.get(f"/api/v1/cases/{line['id']}").json()
        assert set(line) == set(CaseOutputSerializer().fields)
        assert line == {key: shown[key] for key in line}
