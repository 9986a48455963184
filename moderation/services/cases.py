"""Cases: opening them for reports, and every move a moderator makes on one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from hub.models import Account, Repository
from hubmod.actors import Actor
from hubmod.audit import log as audit
from hubmod.errors import ApplicationError, Conflict
from hubmod.tasks import dispatch_on_commit
from licenses.selectors import actionable_clause_get
from moderation.models import OPEN_CASE_STATES, Case, Decision, EnforcementAction
from moderation.selectors import policy_section_current
from moderation.sla import sla_for

ACCOUNT_ACTIONS = {EnforcementAction.Kind.RESTRICT_ACCOUNT, EnforcementAction.Kind.SUSPEND_ACCOUNT}


@dataclass(frozen=True)
class Ground:
    """What a decision rests on: a section of the current hub policy or an actionable clause."""

    policy_section: str | None = None
    license_clause: int | None = None


def case_for_report(
    *, repository: Repository | None, account: Account | None, category: str, revision: str = "", trusted: bool = False
) -> tuple[Case, bool]:
    """The open case for (subject, category), opened if there is none.

    A partial unique index allows one open case per subject and category, so two reports racing
    here cannot open two: the loser's insert fails and it joins the winner's case. A trusted
    flagger's report raises the case to their priority and due date if those are more urgent.
    """
    subject = {"repository": repository} if repository is not None else {"account": account}
    sla = sla_for(category, trusted=trusted)
    for _ in range(3):
        existing = Case.objects.filter(**subject, category=category, state__in=OPEN_CASE_STATES).first()
        if existing is not None:
            if trusted:
                Case.objects.filter(pk=existing.pk, priority__lt=sla.priority).update(priority=sla.priority)
                Case.objects.filter(pk=existing.pk, due_at__gt=timezone.now() + sla.time_to_decision).update(
                    due_at=timezone.now() + sla.time_to_decision
                )
            return existing, False
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    **subject,
                    category=category,
                    priority=sla.priority,
                    due_at=timezone.now() + sla.time_to_decision,
                    revision=revision,
                )
        except IntegrityError:
            continue
        return case, True
    raise Conflict("Could not open a case for this report; try again.")


def case_mark_surge(*, case_id: int, actor: Actor, distinct_reporters: int, window_minutes: int) -> bool:
    """Flag a case many distinct people reported at once; returns whether it was newly flagged.

    A surge is a signal for moderators (brigading or a real incident), never grounds for action.
    """
    flagged = Case.objects.filter(pk=case_id, surge_detected_at__isnull=True).update(surge_detected_at=timezone.now())
    if flagged:
        audit.record(
            actor=actor,
            verb="case.surge_detected",
            target=Case.objects.get(pk=case_id),
            data={"distinct_reporters": distinct_reporters, "window_minutes": window_minutes},
        )
    return bool(flagged)


def _locked_case(case_id: int) -> Case:
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None:
        raise ApplicationError("No such case.", field_errors={"case": ["No case has this id."]})
    return case


def _require_assignee(case: Case, actor: Actor) -> None:
    if case.assignee_id != actor.user_id:
        raise Conflict("Claim this case before deciding it; it is not assigned to you.", state=case.state)


@transaction.atomic
def case_claim(*, case_id: int, actor: Actor) -> Case:
    case = _locked_case(case_id)
    name = "claim_escalated" if case.state == Case.State.ESCALATED else "claim"
    audit.transition(case, name, actor=actor, by=actor.user)
    return case


@transaction.atomic
def case_release(*, case_id: int, actor: Actor) -> Case:
    case = _locked_case(case_id)
    audit.transition(case, "release", actor=actor)
    return case


@transaction.atomic
def case_escalate(*, case_id: int, actor: Actor, reason: str) -> Case:
    case = _locked_case(case_id)
    audit.transition(case, "escalate", actor=actor, reason=reason)
    return case


def _appeal_deadline():
    return timezone.now() + timedelta(days=settings.APPEAL_WINDOW_DAYS)


def _case_resolve(*, case: Case, actor: Actor, audit_data: dict, **decision_fields) -> Decision:
    """Resolve a locked, claimed case with one decision; the uploader and reporters are told."""
    _require_assignee(case, actor)
    audit.transition(case, "resolve", actor=actor, at=timezone.now(), data=audit_data)
    first_report = case.reports.order_by("id").first()
    decision = Decision.objects.create(
        case=case,
        decided_by=actor.user,
        appeal_deadline=_appeal_deadline(),
        automated_detection=bool(first_report and first_report.source == "automated"),
        **decision_fields,
    )
    audit.record(actor=actor, verb="decision.created", target=decision, data=audit_data)
    dispatch_on_commit("moderation.decision_notify", decision.pk)
    return decision


@transaction.atomic
def case_dismiss(*, case_id: int, actor: Actor, reason: str, statement: str) -> Decision:
    decision = _case_resolve(
        case=_locked_case(case_id),
        actor=actor,
        audit_data={"outcome": "dismissed", "reason": reason},
        outcome=Decision.Outcome.DISMISSED,
        dismissal_reason=reason,
        statement=statement,
    )
    if reason == Decision.DismissalReason.UNFOUNDED:
        # Intake weighs repeated unfounded notices (DSA Art. 23); dispatched by name, as
        # moderation never imports intake.
        dispatch_on_commit("reports.reporters_review_unfounded", case_id)
    return decision


def _resolve_ground(ground: Ground) -> dict:
    if bool(ground.policy_section) == bool(ground.license_clause):
        raise ApplicationError(
            "Cite exactly one ground.",
            field_errors={"ground": ["Give either a policy_section key or a license_clause id."]},
        )
    if ground.policy_section:
        section = policy_section_current(key=ground.policy_section)
        if section is None:
            raise ApplicationError(
                "Unknown policy section.",
                field_errors={"ground": [f"'{ground.policy_section}' is not a section of the current hub policy."]},
            )
        return {
            "policy_section": section,
            "ground_label": f"Hub policy {section.policy.version}, section {section.key}: {section.title}",
            "ground_text": section.text,
        }
    clause = actionable_clause_get(clause_id=ground.license_clause)
    if clause is None:
        raise ApplicationError(
            "Not an actionable license clause.",
            field_errors={"ground": [f"License clause {ground.license_clause} does not exist or is not actionable."]},
        )
    version = f" {clause.license.version}" if clause.license.version else ""
    return {
        "license_clause": clause,
        "license_clause_version": clause.history.order_by("-history_id").first(),
        "ground_label": f"{clause.license.name}{version}, clause {clause.ref}",
        "ground_text": clause.summary,
    }


@transaction.atomic
def case_decide(
    *, case_id: int, actor: Actor, actions: list[str], ground: Ground, intent: str, statement: str
) -> Decision:
    if not actions:
        raise ApplicationError("Choose at least one action.", field_errors={"actions": ["Choose at least one action."]})
    case = _locked_case(case_id)
    if case.account_id is not None and set(actions) - ACCOUNT_ACTIONS:
        raise ApplicationError(
            "Repository actions do not apply to an account.",
            field_errors={"actions": ["On an account, choose restrict_account or suspend_account."]},
        )
    grounds = _resolve_ground(ground)
    decision = _case_resolve(
        case=case,
        actor=actor,
        audit_data={"outcome": "actioned", "actions": actions, "ground": grounds["ground_label"], "intent": intent},
        outcome=Decision.Outcome.ACTIONED,
        intent=intent,
        statement=statement,
        **grounds,
    )
    created = EnforcementAction.objects.bulk_create(EnforcementAction(decision=decision, kind=kind) for kind in actions)
    for action in created:
        dispatch_on_commit("moderation.enforcement_deliver", action.pk)
    return decision
