"""The rules of the queue and the decision: ladder, four-eyes, clean-for-a-period, reassigning,
escalating, overdue escalation, bulk actions, and the queue's filters and counts."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from hub.models import BaseModelLink
from hubmod.staff.roles import LEGAL
from moderation.models import Case, Decision, EnforcementAction, Strike
from moderation.services.cases import cases_escalate_overdue
from policy.models import SlaRule
from reports.models import Report
from tests.conftest import api_for
from tests.factories import AccountFactory, RepositoryFactory, UserFactory, appeal_reviewer, moderator
from tests.flows import decide, file


@pytest.mark.django_db
def test_departing_from_the_ladder_needs_a_reason_and_is_recorded(seeded, hub_receiver):
    case_id = file(RepositoryFactory(), "spam")["case_id"]
    mod = api_for(moderator())

    refused = decide(mod, case_id, actions=["disable"])
    accepted = mod.post(
        f"/api/v1/cases/{case_id}/decide",
        {"actions": ["disable"], "ground": {"policy_section": "spam"}, "intent": "deliberate",
         "statement": "400 copies.", "departure_reason": "Industrial scale."},
        format="json",
    )  # fmt: skip

    assert refused.status_code == 400
    assert "recommends delist" in refused.json()["errors"]["departure_reason"][0]
    decision = accepted.json()["decision"]
    assert decision["recommended_actions"] == ["delist"]
    assert decision["departure_reason"] == "Industrial scale."


@pytest.mark.django_db
def test_strikes_climb_the_ladder(seeded, hub_receiver):
    owner = AccountFactory()
    mod = api_for(moderator())
    recommended = []
    for _ in range(3):
        case_id = file(RepositoryFactory(owner=owner), "spam")["case_id"]
        recommended.append(mod.get(f"/api/v1/cases/{case_id}").json()["recommendation"]["deliberate"])
        decide(mod, case_id, actions=recommended[-1], ground={"policy_section": "spam"})

    assert recommended == [["delist"], ["delist"], ["delist", "restrict_account"]]
    assert Strike.objects.filter(account=owner).count() == 3


@pytest.mark.django_db
def test_four_eyes_decisions_wait_for_a_second_moderator(seeded, hub_receiver):
    case_id = file(RepositoryFactory(), "child_safety")["case_id"]
    # Child-safety cases go to legal as they open: only legal takes them.
    decider, second = UserFactory(role=LEGAL), UserFactory(role=LEGAL)

    proposed = decide(api_for(decider), case_id, actions=["disable", "suspend_account"],
                      ground={"policy_section": "child-safety"})  # fmt: skip
    decision_id = proposed.json()["decision"]["id"]
    self_approval = api_for(decider).post(f"/api/v1/decisions/{decision_id}/approve")
    nothing_yet = EnforcementAction.objects.count()
    approved = api_for(second).post(f"/api/v1/decisions/{decision_id}/approve")

    assert proposed.json()["case"]["state"] == "awaiting_approval"
    assert proposed.json()["decision"]["approval"] == "proposed"
    assert self_approval.status_code == 403
    assert nothing_yet == 0
    assert approved.status_code == 200
    assert approved.json()["approval"] == "effective"
    assert Case.objects.get(pk=case_id).state == "resolved"
    assert sorted(EnforcementAction.objects.values_list("kind", flat=True)) == ["disable", "suspend_account"]


@pytest.mark.django_db
def test_a_rejected_proposal_goes_back_to_its_decider_and_does_nothing(seeded):
    case_id = file(RepositoryFactory(), "other")["case_id"]
    decider = moderator()
    proposed = decide(api_for(decider), case_id, actions=["suspend_account"], departure_reason="Impersonation ring.")

    rejected = api_for(moderator()).post(
        f"/api/v1/decisions/{proposed.json()['decision']['id']}/reject", {"reason": "Too harsh."}, format="json"
    )

    assert rejected.json()["approval"] == "rejected"
    case = Case.objects.get(pk=case_id)
    assert (case.state, case.assignee) == ("in_review", decider)
    assert not EnforcementAction.objects.exists()
    assert not Strike.objects.exists()


@pytest.mark.django_db
def test_a_subject_reviewed_clean_keeps_new_reports_out_of_the_queue_unless_they_bring_something(seeded):
    repo = RepositoryFactory()
    case_id = file(repo, "other")["case_id"]
    mod = api_for(moderator())
    mod.post(f"/api/v1/cases/{case_id}/claim")
    mod.post(f"/api/v1/cases/{case_id}/dismiss",
             {"reason": "no_violation", "statement": "Benign model.", "clean_for_days": 30}, format="json")  # fmt: skip

    brigade = [file(repo, "other") for _ in range(3)]
    new_file = file(repo, "other", path="new/evidence.py")

    assert {r["case_id"] for r in brigade} == {case_id}
    status = APIClient().get(f"/api/v1/reports/{brigade[0]['id']}", {"receipt": brigade[0]["receipt"]}).json()
    assert status["status"] == "dismissed"
    assert new_file["case_id"] != case_id
    assert Case.objects.get(pk=new_file["case_id"]).state == "open"
    assert Case.objects.filter(state="open").count() == 1


@pytest.mark.django_db
def test_escalated_work_only_moves_forward(seeded):
    case_id = file(RepositoryFactory())["case_id"]
    mod, senior, legal = api_for(moderator()), api_for(appeal_reviewer()), api_for(UserFactory(role=LEGAL))
    mod.post(f"/api/v1/cases/{case_id}/claim")

    escalated = mod.post(f"/api/v1/cases/{case_id}/escalate", {"reason": "Needs legal.", "to": "legal"}, format="json")
    moderator_claim = mod.post(f"/api/v1/cases/{case_id}/claim")
    senior_claim = senior.post(f"/api/v1/cases/{case_id}/claim")
    legal_claim = legal.post(f"/api/v1/cases/{case_id}/claim")
    released = legal.post(f"/api/v1/cases/{case_id}/release")

    assert escalated.json()["state"] == "escalated"
    assert escalated.json()["escalated_to"] == "legal"
    assert moderator_claim.status_code == 403
    assert senior_claim.status_code == 403  # escalated to legal: legal's alone
    assert legal_claim.json()["state"] == "in_review"
    assert released.json()["state"] == "escalated"


@pytest.mark.django_db
def test_only_the_assignee_or_a_senior_reassigns_a_claimed_case(seeded):
    case_id = file(RepositoryFactory())["case_id"]
    owner, other, senior = moderator(), moderator(), appeal_reviewer()
    api_for(owner).post(f"/api/v1/cases/{case_id}/claim")

    by_other = api_for(other).post(f"/api/v1/cases/{case_id}/reassign", {"assignee": other.username}, format="json")
    by_owner = api_for(owner).post(f"/api/v1/cases/{case_id}/reassign", {"assignee": other.username}, format="json")
    by_senior = api_for(senior).post(f"/api/v1/cases/{case_id}/reassign", {"assignee": owner.username}, format="json")
    to_nobody = api_for(owner).post(f"/api/v1/cases/{case_id}/reassign", {"assignee": "ghost"}, format="json")

    assert by_other.status_code == 403
    assert by_owner.json()["assignee"] == other.username
    assert by_senior.json()["assignee"] == owner.username
    assert to_nobody.status_code == 400


@pytest.mark.django_db
def test_beat_escalates_cases_overdue_past_their_sla(seeded):
    late = file(RepositoryFactory(), "spam")["case_id"]
    on_time = file(RepositoryFactory(), "spam")["case_id"]
    rule = SlaRule.objects.get(category="spam")
    Case.objects.filter(pk=late).update(due_at=timezone.now() - timedelta(hours=rule.escalate_after_hours + 1))

    assert cases_escalate_overdue() == 1
    assert cases_escalate_overdue() == 0
    assert Case.objects.get(pk=late).state == "escalated"
    assert "Overdue" in Case.objects.get(pk=late).escalation_reason
    assert Case.objects.get(pk=on_time).state == "open"


@pytest.mark.django_db
def test_bulk_dismisses_duplicates_each_audited_and_reports_failures(seeded):
    ids = [file(RepositoryFactory())["case_id"] for _ in range(3)]
    someone_else = moderator()
    api_for(someone_else).post(f"/api/v1/cases/{ids[2]}/claim")
    mod = api_for(moderator())

    response = mod.post("/api/v1/cases/bulk", {"ids": [*ids, 999999], "action": "dismiss", "reason": "duplicate",
                                               "statement": "Same as case 1."}, format="json")  # fmt: skip

    results = {r["id"]: r for r in response.json()["results"]}
    assert results[ids[0]]["state"] == results[ids[1]]["state"] == "resolved"
    assert results[ids[2]]["ok"] is False
    assert results[999999]["error"] == "No case has this id."
    assert Decision.objects.filter(dismissal_reason="duplicate").count() == 2
    assert mod.post("/api/v1/cases/bulk", {"ids": ids, "action": "dismiss"}, format="json").status_code != 200


@pytest.mark.django_db
def test_queue_filters_and_counts(seeded):
    overdue = file(RepositoryFactory(), "spam")["case_id"]
    Case.objects.filter(pk=overdue).update(due_at=timezone.now() - timedelta(minutes=1))
    mine = file(RepositoryFactory(), "copyright")["case_id"]
    file(RepositoryFactory(), "copyright")
    user = moderator()
    mod = api_for(user)
    mod.post(f"/api/v1/cases/{mine}/claim")

    def ids(**params):
        return [c["id"] for c in mod.get("/api/v1/cases", params).json()["results"]]

    assert ids(overdue="true") == [overdue]
    assert ids(assignee="me") == [mine]
    assert len(ids(category="copyright")) == 2
    assert ids(state="in_review") == [mine]
    assert mod.get("/api/v1/cases", {"state": "bogus"}).status_code == 400
    counts = mod.get("/api/v1/cases/counts").json()
    assert counts["total"] == 3
    assert counts["overdue"] == 1
    assert counts["by_category"] == {"spam": 1, "copyright": 2}
    assert counts["by_state"] == {"open": 2, "in_review": 1}


@pytest.mark.django_db
def test_case_page_shows_lineage_both_ways_with_diamonds_once(seeded):
    base = RepositoryFactory(name="base")
    left, right = RepositoryFactory(name="left"), RepositoryFactory(name="right")
    merged = RepositoryFactory(name="merged")
    for child, parent in ((left, base), (right, base), (merged, left), (merged, right)):
        BaseModelLink.objects.create(repository=child, base_full_name=parent.full_name, relation="finetune")
    case_id = file(left)["case_id"]

    lineage = api_for(moderator()).get(f"/api/v1/cases/{case_id}").json()["context"]["lineage"]

    assert lineage["ancestors"] == [{"repo_id": base.full_name, "depth": 1}]
    assert lineage["descendants"] == [{"repo_id": merged.full_name, "depth": 1}]
    base_case = file(base)["case_id"]
    below = api_for(moderator()).get(f"/api/v1/cases/{base_case}").json()["context"]["lineage"]["descendants"]
    assert sorted(r["repo_id"] for r in below) == sorted([left.full_name, right.full_name, merged.full_name])
    assert Report.objects.count() == 2


@pytest.mark.django_db
def test_a_new_policy_version_supersedes_the_old_and_decisions_keep_the_version_they_cited(seeded, hub_receiver):
    from policy.models import PolicySection, PolicyVersion

    mod = api_for(moderator())
    before = decide(mod, file(RepositoryFactory(), "spam")["case_id"], ground={"policy_section": "spam"}).json()
    new = PolicyVersion.objects.create(version="2027-01", effective_at=timezone.now())
    PolicySection.objects.create(policy=new, key="spam", title="Spam", text="Stricter wording.")
    after = decide(mod, file(RepositoryFactory(), "spam")["case_id"], ground={"policy_section": "spam"}).json()

    assert before["decision"]["ground"]["label"].startswith("Hub policy 2026-11")
    assert after["decision"]["ground"]["label"].startswith("Hub policy 2027-01")
    assert Decision.objects.get(pk=before["decision"]["id"]).policy_section.policy.version == "2026-11"
