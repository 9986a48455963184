"""Appeals: filed by the affected uploader or, against a dismissal, by the reporter; decided by
an appeal reviewer who took no part in the decision. DMCA counter-notices are appeals of their own
kind: forwarded to the notifier, and the material restored 10 to 14 business days later unless
the notifier reports a court action."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from hubmod.actors import SYSTEM, Actor
from hubmod.audit import log as audit
from hubmod.business_days import add_business_days
from hubmod.errors import ApplicationError, Conflict
from hubmod.tasks import dispatch_on_commit
from moderation.models import Appeal, Case, Decision, EnforcementAction, Strike
from moderation.services.enforcement import enforcement_revert_decision, enforcement_wake_on_commit
from moderation.transparency.rollups import transparency_day_mark_stale

OPEN_APPEAL_STATES = (Appeal.State.SUBMITTED, Appeal.State.IN_REVIEW)
RESTORE_AFTER_BUSINESS_DAYS = (10, 14)  # 17 U.S.C. 512(g)(2)(C)


@transaction.atomic
def appeal_submit(
    *,
    actor: Actor,
    decision_id: int,
    appellant: str,
    statement: str,
    kind: str = Appeal.Kind.APPEAL,
    report_id: int | None = None,
    counter_notice: dict | None = None,
) -> Appeal:
    decision = Decision.objects.select_for_update().select_related("case").filter(pk=decision_id).first()
    if decision is None:
        raise ApplicationError("No such decision.", field_errors={"decision": ["No decision has this id."]})
    if appellant == Appeal.Appellant.UPLOADER and decision.outcome != Decision.Outcome.ACTIONED:
        raise ApplicationError(
            "Nothing to appeal.", field_errors={"decision": ["This decision took no action against you."]}
        )
    if appellant == Appeal.Appellant.REPORTER and decision.outcome != Decision.Outcome.DISMISSED:
        raise ApplicationError(
            "Only a decision not to act can be appealed by a reporter.",
            field_errors={"decision": ["Action was taken on this report; there is no dismissal to appeal."]},
        )
    if kind == Appeal.Kind.COUNTER_NOTICE and (
        decision.case.category != "copyright" or appellant != Appeal.Appellant.UPLOADER
    ):
        raise ApplicationError(
            "A counter-notice answers a copyright takedown.",
            field_errors={"kind": ["Only the uploader can counter-notify, and only a copyright decision."]},
        )
    now = timezone.now()
    if now > decision.appeal_deadline:
        raise ApplicationError(
            "The appeal window has closed.",
            field_errors={"decision": [f"Appeals were open until {decision.appeal_deadline:%Y-%m-%d %H:%M} UTC."]},
        )
    if decision.appeals.filter(appellant=appellant, state__in=OPEN_APPEAL_STATES).exists():
        raise Conflict("An appeal against this decision is already open.", state="submitted")
    fields = {"due_at": now + timedelta(days=settings.APPEAL_SLA_DAYS)}
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
        raise ApplicationError("No such appeal.", field_errors={"appeal": ["No appeal has this id."]})
    return appeal


@transaction.atomic
def appeal_decide(
    *, appeal_id: int, actor: Actor, outcome: str, statement: str, actions: list[str] | None = None
) -> Appeal:
    appeal = _locked_appeal(appeal_id)
    if outcome == Appeal.State.MODIFIED and not actions:
        raise ApplicationError("Say what replaces the actions.", field_errors={"actions": ["Choose the new actions."]})
    _close(appeal, actor=actor, outcome=outcome, statement=statement, actions=actions or [])
    return appeal


def _close(appeal: Appeal, *, actor: Actor, outcome: str, statement: str, actions: list[str]) -> None:
    """Record the outcome and carry it out through the enforcement machinery."""
    transitions = {Appeal.State.UPHELD: "uphold", Appeal.State.OVERTURNED: "overturn", Appeal.State.MODIFIED: "modify"}
    if outcome not in transitions:
        raise ApplicationError("Unknown outcome.", field_errors={"outcome": ["Choose upheld, overturned or modified."]})
    extra = {"actions": actions} if outcome == Appeal.State.MODIFIED else {}
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
        transparency_day_mark_stale(at=decision.created_at)
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
