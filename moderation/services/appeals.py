"""Appeals: filed by the affected uploader or, against a dismissal, by the reporter; decided by
an appeal reviewer who took no part in the decision. DMCA counter-notices are appeals of their own
kind: forwarded to the notifier, and the material restored 10 to 14 business days later unless
the notifier reports a court action."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from hubmod import hooks
from hubmod.actors import SYSTEM, Actor
from hubmod.audit import log as audit
from hubmod.business_days import add_business_days
from hubmod.errors import ApplicationError, Conflict, NotFound
from hubmod.tasks import dispatch_on_commit
from moderation.models import Appeal, Case, Decision, EnforcementAction, Strike
from moderation.services.enforcement import enforcement_revert_decision, enforcement_wake_on_commit
from policy.ladder import ACTION_SEVERITY

OPEN_APPEAL_STATES = (Appeal.State.SUBMITTED, Appeal.State.IN_REVIEW)
RESTORE_AFTER_BUSINESS_DAYS = (10, 14)  # 17 U.S.C. 512(g)(2)(C)


def appeal_refusal(*, decision: Decision, appellant: str, kind: str = Appeal.Kind.APPEAL) -> ApplicationError | None:
    """Why this appeal cannot be filed against `decision` now, or None when it can.

    The one statement of who may appeal what, and when: `appeal_submit` raises it, and the pages
    ask it before they offer a form, so no door accepts what another refuses.
    """
    if appellant == Appeal.Appellant.UPLOADER and decision.outcome != Decision.Outcome.ACTIONED:
        return ApplicationError(
            "Nothing to appeal.", field_errors={"decision": ["This decision took no action against you."]}
        )
    if appellant == Appeal.Appellant.UPLOADER and decision.approval != Decision.Approval.EFFECTIVE:
        return ApplicationError(
            "Nothing to appeal.",
            field_errors={"decision": ["This decision has not taken effect: a second moderator has not approved it."]},
        )
    if appellant == Appeal.Appellant.REPORTER and decision.outcome != Decision.Outcome.DISMISSED:
        return ApplicationError(
            "Only a decision not to act can be appealed by a reporter.",
            field_errors={"decision": ["Action was taken on this report; there is no dismissal to appeal."]},
        )
    if kind == Appeal.Kind.COUNTER_NOTICE and (
        decision.case.category != "copyright" or appellant != Appeal.Appellant.UPLOADER
    ):
        return ApplicationError(
            "A counter-notice answers a copyright takedown.",
            field_errors={
                "kind": [
                    "A counter-notice answers a copyright takedown only, and only its uploader sends one; "
                    "to contest another decision, appeal it."
                ]
            },
        )
    earlier = {a.state for a in decision.appeals.all() if a.appellant == appellant}
    if earlier & set(OPEN_APPEAL_STATES):
        return Conflict("An appeal against this decision is already open.", state=Appeal.State.SUBMITTED)
    if Appeal.State.OVERTURNED in earlier:
        already = (
            "This decision was already reversed on appeal: its actions were undone; nothing is left to appeal."
            if appellant == Appeal.Appellant.UPLOADER
            else "This dismissal was already overturned on appeal: the case is back with the moderators."
        )
        return Conflict(already, state=Appeal.State.OVERTURNED)
    if timezone.now() > decision.appeal_deadline:
        return ApplicationError(
            "The appeal window has closed.",
            field_errors={"decision": [f"Appeals were open until {decision.appeal_deadline:%Y-%m-%d %H:%M} UTC."]},
        )
    return None


@transaction.atomic
def appeal_submit(
    *,
    actor: Actor,
    decision_id: int,
    appellant: str,
    statement: str,
    kind: str = Appeal.Kind.APPEAL,
    report_id: int | None = None,
    counter_notice: dict[str, Any] | None = None,
) -> Appeal:
    decision = Decision.objects.select_for_update().select_related("case").filter(pk=decision_id).first()
    if decision is None:
        raise ApplicationError("No such decision.", field_errors={"decision": ["No decision has this id."]})
    refusal = appeal_refusal(decision=decision, appellant=appellant, kind=kind)
    if refusal is not None:
        raise refusal
    now = timezone.now()
    fields: dict[str, Any] = {"due_at": now + timedelta(days=settings.APPEAL_SLA_DAYS)}
    if kind == Appeal.Kind.COUNTER_NOTICE:
        low, high = RESTORE_AFTER_BUSINESS_DAYS
        fields |= {
            "counter_notice": counter_notice or {},
            "restore_not_before": add_business_days(now, low),
            "restore_not_after": add_business_days(now, high),
        }
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                decision=decision,
                appellant=appellant,
                statement=statement,
                kind=kind,
                appellant_report_id=report_id,
                **fields,
            )
    except IntegrityError as exc:
        raise Conflict("An appeal against this decision is already open.", state="submitted") from exc
    audit.record(actor=actor, verb="appeal.submitted", target=appeal, data={"kind": kind, "appellant": appellant})
    if kind == Appeal.Kind.COUNTER_NOTICE:
        dispatch_on_commit("moderation.counter_notice_forward", appeal.pk)
    return appeal


def _locked_appeal(appeal_id: int) -> Appeal:
    appeal = Appeal.objects.select_for_update().select_related("decision").filter(pk=appeal_id).first()
    if appeal is None:
        raise NotFound("No appeal has this id.")
    return appeal


@transaction.atomic
def appeal_decide(
    *, appeal_id: int, actor: Actor, outcome: str, statement: str, actions: list[str] | None = None
) -> Appeal:
    appeal = _locked_appeal(appeal_id)
    if outcome == Appeal.State.MODIFIED:
        _require_lesser_actions(appeal, actions or [])
    _close(appeal, actor=actor, outcome=outcome, statement=statement, actions=actions or [])
    return appeal


def _require_lesser_actions(appeal: Appeal, actions: list[str]) -> None:
    """An appeal may lessen a decision, never worsen it: the appellant asked for a review, not for
    a heavier sanction, and an action that needs a second moderator's approval on a first decision
    cannot be imposed by one reviewer here. A heavier sanction is a new decision on a new case."""
    if not actions:
        raise ApplicationError("Say what replaces the actions.", field_errors={"actions": ["Choose the new actions."]})
    if appeal.appellant != Appeal.Appellant.UPLOADER:
        return
    decided = appeal.decision.requested_actions
    heaviest = max((ACTION_SEVERITY.get(kind, 0) for kind in decided), default=0)
    added = [kind for kind in actions if kind not in decided]
    four_eyes = [kind for kind in added if kind in settings.FOUR_EYES_ACTIONS]
    heavier = [kind for kind in added if ACTION_SEVERITY.get(kind, 0) >= heaviest]
    if four_eyes or heavier:
        raise ApplicationError(
            "An appeal can lessen a decision, not make it heavier.",
            field_errors={
                "actions": [
                    f"{', '.join(four_eyes or heavier)} is not lighter than what was decided "
                    f"({', '.join(decided)}){' and needs a second moderator' if four_eyes else ''}. "
                    "Choose lighter actions, uphold the decision, or open a new case for a heavier sanction."
                ]
            },
        )


def _close(appeal: Appeal, *, actor: Actor, outcome: str, statement: str, actions: list[str]) -> None:
    """Record the outcome and carry it out through the enforcement machinery."""
    transitions: dict[str, str] = {
        Appeal.State.UPHELD: "uphold",
        Appeal.State.OVERTURNED: "overturn",
        Appeal.State.MODIFIED: "modify",
    }
    if outcome not in transitions:
        raise ApplicationError("Unknown outcome.", field_errors={"outcome": ["Choose upheld, overturned or modified."]})
    extra: dict[str, Any] = {"actions": actions} if outcome == Appeal.State.MODIFIED else {}
    audit.transition(
        appeal, transitions[outcome], actor=actor, by=actor.user, statement=statement, at=timezone.now(), **extra
    )
    decision = appeal.decision
    reason = f"Appeal {appeal.pk} {outcome}"
    standing = set(
        decision.actions.filter(reverses__isnull=True, reversal=None)
        .exclude(state__in=[EnforcementAction.State.FAILED, EnforcementAction.State.CANCELLED])
        .values_list("kind", flat=True)
    )
    if outcome in (Appeal.State.OVERTURNED, Appeal.State.MODIFIED):
        if appeal.appellant == Appeal.Appellant.UPLOADER:
            # Modified: only what the new actions drop is undone; what they keep stays applied.
            undo = standing - set(actions) if outcome == Appeal.State.MODIFIED else None
            enforcement_revert_decision(decision=decision, actor=actor, reason=reason, kinds=undo)
        if appeal.appellant == Appeal.Appellant.UPLOADER and outcome == Appeal.State.OVERTURNED:
            # Overturned, the decision was wrong: its strike goes. Modified, a lesser action stands.
            revoked = Strike.objects.filter(decision=decision, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )
            if revoked:
                audit.record(actor=actor, verb="strike.revoked", target=decision, data={"strikes": revoked})
        if appeal.appellant == Appeal.Appellant.REPORTER:
            # A dismissal overturned: the reports go back to the queue for a new decision.
            case = Case.objects.select_for_update().get(pk=decision.case_id)
            audit.transition(case, "reopen", actor=actor, data={"reason": reason})
    if outcome == Appeal.State.MODIFIED and appeal.appellant == Appeal.Appellant.UPLOADER:
        replacements = EnforcementAction.objects.bulk_create(
            EnforcementAction(decision=decision, kind=kind) for kind in actions if kind not in standing
        )
        audit.record(actor=actor, verb="decision.modified", target=decision, data={"actions": actions})
        hooks.decision_changed.send(sender="moderation", decision=decision)
        if replacements:
            enforcement_wake_on_commit()
    dispatch_on_commit("moderation.appeal_notify", appeal.pk)


@transaction.atomic
def counter_notice_court_action(*, appeal_id: int, actor: Actor) -> Appeal:
    """The notifier says they filed a court action: the material stays down (512(g)(2)(C))."""
    appeal = _locked_appeal(appeal_id)
    if appeal.kind != Appeal.Kind.COUNTER_NOTICE:
        raise ApplicationError(
            "Not a counter-notice.", field_errors={"appeal": ["This appeal is not a counter-notice."]}
        )
    appeal.court_action_reported_at = timezone.now()
    appeal.save(update_fields=["court_action_reported_at", "updated_at"])
    audit.record(actor=actor, verb="appeal.court_action_reported", target=appeal)
    _close(
        appeal,
        actor=SYSTEM,
        outcome=Appeal.State.UPHELD,
        statement="The notifier reported a court action against you; the material stays down while it runs.",
        actions=[],
    )
    return appeal


def counter_notices_restore() -> int:
    """Beat: restore material 10 business days after a counter-notice, unless a court action came."""
    due = Appeal.objects.filter(
        kind=Appeal.Kind.COUNTER_NOTICE,
        state__in=OPEN_APPEAL_STATES,
        court_action_reported_at__isnull=True,
        restore_not_before__lte=timezone.now(),
    ).values_list("pk", flat=True)
    restored = 0
    for appeal_id in due:
        with transaction.atomic():
            appeal = _locked_appeal(appeal_id)
            if appeal.state not in OPEN_APPEAL_STATES or appeal.court_action_reported_at:
                continue
            _close(
                appeal,
                actor=SYSTEM,
                outcome=Appeal.State.OVERTURNED,
                statement="The notifier did not report a court action within 10 business days of your "
                "counter-notice, so the material is restored (17 U.S.C. 512(g)(2)(C)).",
                actions=[],
            )
            restored += 1
    return restored
