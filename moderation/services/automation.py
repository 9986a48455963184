"""Automated decisions on hash-list matches, and the circuit breaker that stops them.

When a hub admin enables actions for a hash list, a match is decided without waiting for a
moderator, as the automation user, recorded as an automated decision. If automated decisions
come faster than AUTOMATION_MAX_PER_HOUR, the breaker trips: matches go to the queue like any
report until a hub admin resumes automation.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from hubmod.actors import SYSTEM, Actor
from hubmod.audit import log as audit
from hubmod.errors import ApplicationError
from moderation.models import AutomationBreaker, Case, Decision
from moderation.services.decisions import Ground, case_decide

AUTOMATION_USERNAME = "hubmod-automation"
# The policy section an automated decision in each category rests on.
AUTOMATED_GROUND = {
    "malicious_code": "malicious-code",
    "child_safety": "child-safety",
    "private_information": "private-information",
    "spam": "spam",
    "other": "harmful-use",
}


def automation_actor() -> Actor:
    user, created = get_user_model().objects.get_or_create(username=AUTOMATION_USERNAME)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return Actor(kind="system", label="hubmod automation", user=user)


def breaker() -> AutomationBreaker:
    found = AutomationBreaker.objects.order_by("pk").first()
    return found or AutomationBreaker.objects.create()


def _count_since(state: AutomationBreaker) -> datetime:
    """Where the breaker's count starts: an hour ago, or the last resume if later. A resume is a hub
    admin's judgement that the burst before it was handled; counting that burst again would trip
    the breaker on the very next match and keep automation off for up to an hour after "resumed"."""
    hour_ago = timezone.now() - timedelta(hours=1)
    return max(hour_ago, state.resumed_at) if state.resumed_at else hour_ago


def case_decide_automated(
    *, case_id: int, actions: list[str], source: str, why: str = "Actions set by a hub admin for this hash list."
) -> Decision | None:
    """Decide a case from an automated detection, unless the breaker is open; None if not decided.
    `why` says whose choice the actions are (they depart from the ladder's recommendation)."""
    with transaction.atomic():
        state = AutomationBreaker.objects.select_for_update().filter(pk=breaker().pk).get()
        if state.tripped:
            return None
        since = _count_since(state)
        recent = Decision.objects.filter(automated_decision=True, created_at__gte=since).count()
        if recent >= settings.AUTOMATION_MAX_PER_HOUR:
            state.tripped_at = timezone.now()
            state.reason = (
                f"{recent} automated decisions since {since:%Y-%m-%d %H:%M:%S} UTC "
                f"(limit {settings.AUTOMATION_MAX_PER_HOUR} an hour)."
            )
            state.save(update_fields=["tripped_at", "reason", "updated_at"])
            audit.record(
                actor=SYSTEM,
                verb="automation.tripped",
                target=state,
                data={"recent": recent, "since": since.isoformat()},
            )
            return None
    actor = automation_actor()
    case = Case.objects.get(pk=case_id)
    if case.state != Case.State.OPEN:
        return None
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case_id)
        audit.transition(locked, "claim", actor=actor, by=actor.user)
        return case_decide(
            case_id=case_id,
            actor=actor,
            actions=actions,
            ground=Ground(policy_section=AUTOMATED_GROUND.get(case.category, "harmful-use")),
            intent=Decision.Intent.UNKNOWN,
            statement=f"Automated decision: {source}",
            departure_reason=why,
            automated=True,
        )


@transaction.atomic
def automation_resume(*, actor: Actor) -> AutomationBreaker:
    state = AutomationBreaker.objects.select_for_update().get(pk=breaker().pk)
    if not state.tripped:
        raise ApplicationError("Automation is running; there is nothing to resume.")
    state.tripped_at = None
    state.resumed_by = actor.user
    state.resumed_at = timezone.now()
    state.save(update_fields=["tripped_at", "resumed_by", "resumed_at", "updated_at"])
    audit.record(
        actor=actor, verb="automation.resumed", target=state, data={"count_from": state.resumed_at.isoformat()}
    )
    return state
