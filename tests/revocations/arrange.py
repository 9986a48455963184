"""Arranging feed entries the way production makes them: an action sent to the stand-in hub
(the `hub_receiver` fixture) and recorded by moderation's enforcement, whose hook publishes."""

import json

from django.utils import timezone
from rest_framework.test import APIClient

from moderation.models import Decision, EnforcementAction
from moderation.services.cases import case_for_report
from moderation.services.enforcement import enforcement_deliver
from policy.selectors import policy_section_current
from tests.factories import moderator


def feed_entries(cursor: str | None = None) -> list[dict]:
    response = APIClient().get("/api/v1/revocations", {"cursor": cursor} if cursor else {})
    assert response.status_code == 200
    return json.loads(response.content)["entries"]


def delivered(kind: str, *, repository, revision: str = "", reverses=None) -> EnforcementAction:
    """One action of `kind` on a new decision about `repository` (or undoing `reverses`), sent to the
    stand-in hub and recorded as enforcement records every answer."""
    if reverses is not None:
        decision = reverses.decision
    else:
        case = case_for_report(repository=repository, account=None, category="malicious_code", revision=revision).case
        decision = Decision.objects.create(
            case=case, outcome="actioned", decided_by=moderator(), appeal_deadline=timezone.now(), ground_label="x",
            statement="x", requested_actions=[kind], policy_section=policy_section_current(key="harmful-use"),
        )  # fmt: skip
    action = EnforcementAction.objects.create(decision=decision, kind=kind, reverses=reverses)
    assert enforcement_deliver(action_id=action.pk) is None
    return EnforcementAction.objects.get(pk=action.pk)
