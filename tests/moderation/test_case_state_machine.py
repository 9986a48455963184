"""No sequence of API calls, by any caller, reaches a state the case machine forbids, and every
successful transition writes exactly one audit event (hypothesis, stateful)."""

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from rest_framework.test import APIClient

from hub.models import HubKey
from hubmod.audit.models import AuditEvent
from moderation.models import Case
from moderation.services.cases import case_for_report
from tests.conftest import api_for
from tests.factories import RepositoryFactory, appeal_reviewer, hub_admin, moderator

# Where each transition may go from, as DESIGN.md draws the machine.
ALLOWED = {
    "claim": {"open": "in_review", "reopened": "in_review", "escalated": "in_review"},
    "release": {"in_review": {"open", "escalated"}},
    "escalate": {"open": "escalated", "in_review": "escalated", "reopened": "escalated"},
    "dismiss": {"in_review": "resolved"},
    "decide": {"in_review": {"resolved", "awaiting_approval"}},
}
MOVES = {
    "claim": (None, "case.claim|case.claim_escalated"),
    "release": (None, "case.release"),
    "escalate": ({"reason": "Needs a senior.", "to": "senior"}, "case.escalate"),
    "dismiss": ({"reason": "no_violation", "statement": "Fine."}, "case.resolve"),
    "decide": (
        {"actions": ["warn"], "ground": {"policy_section": "spam"}, "intent": "inadvertent", "statement": "The weights copy the work.",
         "departure_reason": "Testing."},
        "case.resolve|case.propose",
    ),
}  # fmt: skip


class CaseMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.case = case_for_report(repository=RepositoryFactory(), account=None, category="spam").case
        _, key = HubKey.objects.create_key(name="hub")
        hub = APIClient()
        hub.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        self.callers = {
            "anonymous": APIClient(),
            "hub": hub,
            "moderator_a": api_for(moderator()),
            "moderator_b": api_for(moderator()),
            "reviewer": api_for(appeal_reviewer()),
            "admin": api_for(hub_admin()),
        }

    def _events(self, verbs: str) -> int:
        return AuditEvent.objects.filter(
            target_type="moderation.case", target_id=str(self.case.pk), verb__in=verbs.split("|")
        ).count()

    @rule(caller=st.sampled_from(["anonymous", "hub", "moderator_a", "moderator_b", "reviewer", "admin"]),
          move=st.sampled_from(list(MOVES)))  # fmt: skip
    def call(self, caller, move):
        body, verbs = MOVES[move]
        before_state = Case.objects.get(pk=self.case.pk).state
        before_events = self._events(verbs)
        client = self.callers[caller]
        path = f"/api/v1/cases/{self.case.pk}/{move}"
        response = client.post(path, body, format="json") if body else client.post(path)
        after_state = Case.objects.get(pk=self.case.pk).state
        if response.status_code == 200:
            targets = ALLOWED[move].get(before_state)
            assert targets is not None, f"{move} succeeded from {before_state}"
            assert after_state in (targets if isinstance(targets, set) else {targets})
            assert self._events(verbs) == before_events + 1
        else:
            assert response.status_code in (401, 403, 409), (move, caller, response.status_code, response.content)
            assert after_state == before_state
            assert self._events(verbs) == before_events

    @invariant()
    def state_is_one_the_machine_knows(self):
        assert Case.objects.get(pk=self.case.pk).state in Case.State.values


@pytest.mark.django_db
def test_case_state_machine_holds_under_any_sequence_of_calls(seeded):
    run_state_machine_as_test(
        CaseMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
