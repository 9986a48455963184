"""Decisions: dismissing, deciding with a ground, four-eyes approval, and taking effect."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hub.models import Repository
from hub.selectors import revision_before
from hubmod import hooks
from hubmod.actors import Actor
from hubmod.audit import log as audit
from hubmod.business_days import add_business_days
from hubmod.errors import ApplicationError, Conflict, NotFound
from hubmod.tasks import dispatch_on_commit
from licenses.selectors import actionable_clause_get
from moderation.models import OPEN_CASE_STATES, Case, Decision, EnforcementAction, Strike
from moderation.services.cases import locked_case
from moderation.services.enforcement import enforcement_wake_on_commit
from moderation.services.lineage import LINEAGE_ACTIONS
from moderation.strikes import needs_second_approval, recommend
from policy.ladder import ACCOUNT_ACTIONS, category_severity
from policy.messages import placeholders_left, template_texts
from policy.models import MessageTemplate, StatementTemplate
from policy.selectors import policy_section_current


@dataclass(frozen=True)
class Ground:
    """What a decision rests on: a section of the current hub policy or an actionable clause."""

    policy_section: str | None = None
    license_clause: int | None = None


def _require_assignee(case: Case, actor: Actor) -> None:
    if case.assignee_id != actor.user_id:
        raise Conflict("Claim this case before deciding it; it is not assigned to you.", state=case.state)


def _appeal_deadline() -> datetime:
    return timezone.now() + timedelta(days=settings.APPEAL_WINDOW_DAYS)


def _first_report_automated(case: Case) -> bool:
    first = case.reports.order_by("id").first()
    return bool(first and first.source == "automated")


@transaction.atomic
def case_dismiss(
    *, case_id: int, actor: Actor, reason: str, statement: str, clean_for_days: int | None = None
) -> Decision:
    """No action. With `clean_for_days`, the subject counts as reviewed and clean until then."""
    if reason not in Decision.DismissalReason.values:
        # Reporters are told the reason and transparency counts it: it is one of a fixed list,
        # whichever door the dismissal came through.
        raise ApplicationError(
            "Unknown dismissal reason.",
            field_errors={"reason": [f"Use one of: {', '.join(Decision.DismissalReason.values)}."]},
        )
    _require_placeholders_replaced(statement)
    case = locked_case(case_id)
    _require_assignee(case, actor)
    audit_data = {"outcome": "dismissed", "reason": reason, "clean_for_days": clean_for_days}
    audit.transition(case, "resolve", actor=actor, at=timezone.now(), data=audit_data)
    if clean_for_days:
        case.clean_until = timezone.now() + timedelta(days=clean_for_days)
        case.save(update_fields=["clean_until", "updated_at"])
    decision = Decision.objects.create(
        case=case,
        outcome=Decision.Outcome.DISMISSED,
        dismissal_reason=reason,
        statement=statement,
        decided_by=actor.person(what="a decision"),
        appeal_deadline=_appeal_deadline(),
        automated_detection=_first_report_automated(case),
    )
    audit.record(actor=actor, verb="decision.created", target=decision, data=audit_data)
    dispatch_on_commit("moderation.decision_notify", decision.pk)
    hooks.case_dismissed.send(sender="moderation", decision=decision)
    return decision


_WORD = re.compile(r"\w+")


def _require_placeholders_replaced(statement: str) -> None:
    """A text started from a template goes out only once its placeholders are written over."""
    left = placeholders_left(statement, template_texts(MessageTemplate.Kind.STATEMENT))
    if left:
        raise ApplicationError(
            "The statement still holds the template's placeholders.",
            field_errors={
                "statement": [f"Replace {' and '.join(left[:2])} with what you found in this case, in your own words."]
            },
        )


def _require_own_statement(case: Case, statement: str) -> None:
    """The statement of reasons is the uploader's explanation (DSA Art. 17): the category's
    template is where a moderator starts, never what is sent."""
    if not statement.strip():
        raise ApplicationError(
            "Write the statement of reasons.",
            field_errors={"statement": ["Say what you found, which rule it breaks and why this action."]},
        )
    template = StatementTemplate.objects.filter(category=case.category).values_list("text", flat=True).first() or ""
    _require_placeholders_replaced(statement)
    if template and not set(_WORD.findall(statement.lower())) - set(_WORD.findall(template.lower())):
        raise ApplicationError(
            "The statement says nothing the template did not.",
            field_errors={
                "statement": [
                    "Write the facts of this case: which files, lines or behaviour, at which revision, "
                    "and why this action and not a lesser one."
                ]
            },
        )


def _resolve_ground(ground: Ground) -> dict[str, Any]:
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
    clause = actionable_clause_get(clause_id=cast(int, ground.license_clause))  # exactly one ground, checked above
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
    *,
    case_id: int,
    actor: Actor,
    actions: list[str],
    ground: Ground,
    intent: str,
    statement: str,
    departure_reason: str = "",
    duration_days: int | None = None,
    remediation_days: int | None = None,
    automated: bool = False,
    compromised_since: datetime | None = None,
) -> Decision:
    """Decide a claimed case. It takes effect now, or once a second moderator approves it.

    `duration_days` makes the actions time-boxed (beat reverts them); `remediation_days` gives the
    uploader that many business days to remove the reported files before anything applies.
    """
    if not actions:
        raise ApplicationError("Choose at least one action.", field_errors={"actions": ["Choose at least one action."]})
    case = locked_case(case_id)
    if case.account_id is not None and set(actions) - set(ACCOUNT_ACTIONS):
        raise ApplicationError(
            "Repository actions do not apply to an account.",
            field_errors={"actions": ["On an account, choose restrict_account or suspend_account."]},
        )
    _require_own_statement(case, statement)
    _require_fitting_intent(case, actions=actions, intent=intent, compromised_since=compromised_since)
    grounds = _resolve_ground(ground)
    windows = _windows(case, duration_days=duration_days, remediation_days=remediation_days)
    recommendation = recommend(case, intent=intent)
    if sorted(actions) != sorted(recommendation.actions) and not departure_reason.strip():
        raise ApplicationError(
            "Say why you depart from the recommendation.",
            field_errors={
                "departure_reason": [
                    f"The strike ladder recommends {', '.join(recommendation.actions)} "
                    f"({recommendation.explanation}); give your reason for choosing otherwise."
                ]
            },
        )
    _require_assignee(case, actor)
    four_eyes = needs_second_approval(case, actions)
    audit_data = {"outcome": "actioned", "actions": actions, "ground": grounds["ground_label"], "intent": intent,
                  "recommended": recommendation.actions, "four_eyes": four_eyes}  # fmt: skip
    if four_eyes:
        audit.transition(case, "propose", actor=actor, data=audit_data)
    else:
        audit.transition(case, "resolve", actor=actor, at=timezone.now(), data=audit_data)
    decision = Decision.objects.create(
        case=case,
        outcome=Decision.Outcome.ACTIONED,
        intent=intent,
        statement=statement,
        decided_by=actor.person(what="a decision"),
        appeal_deadline=_appeal_deadline(),
        automated_detection=_first_report_automated(case),
        requested_actions=list(actions),
        recommended_actions=recommendation.actions,
        departure_reason=departure_reason,
        approval=Decision.Approval.PROPOSED if four_eyes else Decision.Approval.EFFECTIVE,
        automated_decision=automated,
        compromised_since=compromised_since,
        **windows,
        **grounds,
    )
    audit.record(actor=actor, verb="decision.created", target=decision, data=audit_data)
    if not four_eyes:
        _take_effect(decision, strike_days=recommendation.strike_days)
    return decision


# What protects the owner of a compromised account, and what punishes one: the victim gets the first.
_FOR_THE_COMPROMISED = {EnforcementAction.Kind.SECURE_ACCOUNT, EnforcementAction.Kind.ROLLBACK}
_AGAINST_THE_UPLOADER = {
    EnforcementAction.Kind.RESTRICT_ACCOUNT, EnforcementAction.Kind.SUSPEND_ACCOUNT, EnforcementAction.Kind.REMOVE,
}  # fmt: skip


def _require_fitting_intent(case: Case, *, actions: list[str], intent: str, compromised_since: datetime | None) -> None:
    """A compromised account is its own kind of decision: its owner is the victim. Securing the
    account and rolling back are for it alone, and it takes nothing from the owner; a rollback
    goes back to the last revision published before the compromise, which hubmod must know."""
    compromised = intent == Decision.Intent.COMPROMISED
    if set(actions) & _FOR_THE_COMPROMISED and not compromised:
        raise ApplicationError(
            "Securing an account and rolling back are for a compromised account.",
            field_errors={"intent": ["Choose the intent 'compromised', or other actions."]},
        )
    if not compromised:
        return
    punishing = sorted(set(actions) & _AGAINST_THE_UPLOADER)
    if punishing:
        raise ApplicationError(
            "The owner of a compromised account is the victim.",
            field_errors={"actions": [f"{', '.join(punishing)} would punish them: choose what protects them."]},
        )
    if compromised_since is None:
        raise ApplicationError(
            "Say since when.",
            field_errors={"compromised_since": ["Give the time the account was compromised, as best you know it."]},
        )
    if EnforcementAction.Kind.ROLLBACK in actions:
        if case.repository is None:
            raise ApplicationError(
                "Nothing to roll back.", field_errors={"actions": ["A rollback needs a case about a repository."]}
            )
        if revision_before(case.repository, compromised_since) is None:
            raise ApplicationError(
                "No revision to go back to.",
                field_errors={
                    "compromised_since": [
                        f"hubmod knows no revision of {case.repository} published before "
                        f"{compromised_since:%Y-%m-%d %H:%M} UTC: give an earlier time, or do not roll back."
                    ]
                },
            )


def _windows(case: Case, *, duration_days: int | None, remediation_days: int | None) -> dict[str, Any]:
    windows = {}
    now = timezone.now()
    if duration_days:
        windows["effective_until"] = now + timedelta(days=duration_days)
    if remediation_days:
        if not case.reports.exclude(path="").exists():
            raise ApplicationError(
                "No files to remediate.",
                field_errors={"remediation_days": ["A remediation window needs reports that name specific files."]},
            )
        windows["remediation_deadline"] = add_business_days(now, remediation_days)
    return windows


def _take_effect(decision: Decision, *, strike_days: int) -> None:
    """Create the actions and the strike, and tell the hub and the people concerned, after commit."""
    case = decision.case
    rollback_to = (
        revision_before(case.repository, decision.compromised_since) or ""
        if case.repository is not None and decision.compromised_since is not None
        else ""
    )
    created = EnforcementAction.objects.bulk_create(
        EnforcementAction(
            decision=decision,
            kind=kind,
            not_before=decision.remediation_deadline,
            ends_at=decision.effective_until,
            rollback_to=rollback_to if kind == EnforcementAction.Kind.ROLLBACK else "",
        )
        for kind in decision.requested_actions
    )
    if created:
        enforcement_wake_on_commit()
    if decision.case.repository_id and set(decision.requested_actions) & set(LINEAGE_ACTIONS):
        dispatch_on_commit("moderation.lineage_open_cases", decision.pk)
    # A label is no sanction; the owner of a compromised account is its victim.
    if (
        set(decision.requested_actions) - {EnforcementAction.Kind.LABEL}
        and decision.intent != Decision.Intent.COMPROMISED
    ):
        Strike.objects.create(
            account=decision.case.uploader,
            decision=decision,
            severity=category_severity(decision.case.category),
            expires_at=timezone.now() + timedelta(days=strike_days),
        )
    dispatch_on_commit("moderation.decision_notify", decision.pk)


def _locked_proposal(decision_id: int) -> tuple[Decision, Case]:
    decision = Decision.objects.select_for_update().select_related("case").filter(pk=decision_id).first()
    if decision is None:
        raise NotFound("No decision has this id.")
    return decision, locked_case(decision.case_id)


@transaction.atomic
def decision_approve(*, decision_id: int, actor: Actor) -> Decision:
    """The second pair of eyes agrees: the decision takes effect."""
    decision, case = _locked_proposal(decision_id)
    now = timezone.now()
    audit.transition(decision, "approve", actor=actor, by=actor.user, at=now)
    audit.transition(case, "approve", actor=actor, at=now, data={"decision": decision.pk})
    _take_effect(decision, strike_days=recommend(case, intent=decision.intent).strike_days)
    hooks.decision_changed.send(sender="moderation", decision=decision)
    return decision


@transaction.atomic
def decision_reject(*, decision_id: int, actor: Actor, reason: str) -> Decision:
    """The second pair of eyes disagrees: nothing happens, and the case goes back to its decider."""
    decision, case = _locked_proposal(decision_id)
    audit.transition(decision, "reject", actor=actor, by=actor.user, reason=reason)
    audit.transition(case, "send_back", actor=actor, data={"decision": decision.pk, "reason": reason})
    hooks.decision_changed.send(sender="moderation", decision=decision)
    return decision


@transaction.atomic
def repository_decommission(
    *, repository: Repository, actor: Actor, reason: str, ground: Ground, statement: str
) -> Decision:
    """Remove a repository for good, with the reason recorded, through the usual decision path:
    a case, a decision with a ground and a statement, the notice and the right to appeal."""
    if Case.objects.filter(repository=repository, category="other", state__in=OPEN_CASE_STATES).exists():
        raise Conflict("This repository has an open case in 'other'; decide it instead.", state="open")
    case = Case.objects.create(
        repository=repository, category="other", priority=0, due_at=timezone.now(), revision=repository.revision
    )
    audit.record(actor=actor, verb="case.opened", target=case, data={"decommission": reason})
    audit.transition(case, "claim", actor=actor, by=actor.user)
    return case_decide(
        case_id=case.pk,
        actor=actor,
        actions=[EnforcementAction.Kind.REMOVE],
        ground=ground,
        intent=Decision.Intent.UNKNOWN,
        statement=statement,
        departure_reason=f"Decommissioning: {reason}",
    )


def decision_preview(
    *, case: Case, actions: list[str], ground: Ground, statement: str, intent: str = Decision.Intent.UNKNOWN
) -> Decision:
    """The decision as it would be made, unsaved, for the moderator to read the uploader's notice
    before sending: the same refusals of the statement and the ground as deciding, nothing written."""
    _require_own_statement(case, statement)
    return Decision(
        case=case,
        outcome=Decision.Outcome.ACTIONED,
        statement=statement,
        requested_actions=list(actions),
        intent=intent,
        automated_detection=_first_report_automated(case),
        appeal_deadline=_appeal_deadline(),
        **_resolve_ground(ground),
    )
