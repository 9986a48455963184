"""Appeals: filed by the affected uploader or, against a dismissal, by the reporter; decided by
an appeal reviewer who took no part in the decision."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from hubmod.actors import Actor
from hubmod.audit import log as audit
from hubmod.errors import ApplicationError, Conflict
from hubmod.tasks import dispatch_on_commit
from moderation.models import Appeal, Case, Decision, Strike
from moderation.services.enforcement import enforcement_revert_decision


@transaction.atomic
def appeal_submit(
    *,
    actor: Actor,
    decision_id: int,
    appellant: str,
    statement: str,
    kind: str = Appeal.Kind.APPEAL,
    report_id: int | None = None,
) -> Appeal:
    decision = Decision.objects.select_for_update().filter(pk=decision_id).first()
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
    if timezone.now() > decision.appeal_deadline:
        raise ApplicationError(
            "The appeal window has closed.",
            field_errors={"decision": [f"Appeals were open until {decision.appeal_deadline:%Y-%m-%d %H:%M} UTC."]},
        )
    if decision.appeals.filter(appellant=appellant, state__in=["submitted", "in_review"]).exists():
        raise Conflict("An appeal against this decision is already open.", state="submitted")
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                decision=decision, appellant=appellant, statement=statement, kind=kind, appellant_report_id=report_id
            )
    except IntegrityError as exc:
        raise Conflict("An appeal against this decision is already open.", state="submitted") from exc
    audit.record(actor=actor, verb="appeal.submitted", target=appeal, data={"kind": kind, "appellant": appellant})
    return appeal


@transaction.atomic
def appeal_decide(*, appeal_id: int, actor: Actor, outcome: str, statement: str) -> Appeal:
    appeal = Appeal.objects.select_for_update().select_related("decision").filter(pk=appeal_id).first()
    if appeal is None:
        raise ApplicationError("No such appeal.", field_errors={"appeal": ["No appeal has this id."]})
    transitions = {Appeal.State.UPHELD: "uphold", Appeal.State.OVERTURNED: "overturn"}
    if outcome not in transitions:
        raise ApplicationError("Unknown outcome.", field_errors={"outcome": ["Choose upheld or overturned."]})
    audit.transition(appeal, transitions[outcome], actor=actor, by=actor.user, statement=statement, at=timezone.now())
    if outcome == Appeal.State.OVERTURNED:
        reason = f"Appeal {appeal.pk} overturned"
        if appeal.appellant == Appeal.Appellant.UPLOADER:
            enforcement_revert_decision(decision=appeal.decision, actor=actor, reason=reason)
            revoked = Strike.objects.filter(decision=appeal.decision, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )
            if revoked:
                audit.record(actor=actor, verb="strike.revoked", target=appeal.decision, data={"strikes": revoked})
        else:
            # A dismissal overturned: the reports go back to the queue for a new decision.
            case = Case.objects.select_for_update().get(pk=appeal.decision.case_id)
            audit.transition(case, "reopen", actor=actor, data={"reason": reason})
    dispatch_on_commit("moderation.appeal_notify", appeal.pk)
    return appeal
