"""Reads: the queue, a case with what a decision needs, the current policy, notice look-ups."""

from __future__ import annotations

from django.core import signing
from django.db.models import QuerySet
from django.utils import timezone

from moderation.models import Case, Decision, EnforcementAction, PolicySection, PolicyVersion

NOTICE_SALT = "hubmod.notice"


def policy_current() -> PolicyVersion | None:
    return PolicyVersion.objects.filter(effective_at__lte=timezone.now()).order_by("-effective_at").first()


def policy_section_current(*, key: str) -> PolicySection | None:
    policy = policy_current()
    if policy is None:
        return None
    return policy.sections.select_related("policy").filter(key=key).first()


def case_queue(*, state: str | None = None, category: str | None = None) -> QuerySet[Case]:
    """Open work, most urgent first: priority, then the earliest due date."""
    cases = Case.objects.select_related("repository__owner", "account", "assignee")
    cases = cases.filter(state=state) if state else cases.exclude(state=Case.State.RESOLVED)
    if category:
        cases = cases.filter(category=category)
    return cases.order_by("-priority", "due_at", "id")


def case_get(*, case_id: int) -> Case | None:
    return (
        Case.objects.select_related("repository__owner", "account", "assignee")
        .prefetch_related("decisions__actions")
        .filter(pk=case_id)
        .first()
    )


def enforcement_actions(*, state: str | None = None) -> QuerySet[EnforcementAction]:
    actions = EnforcementAction.objects.select_related("decision__case").order_by("-id")
    return actions.filter(state=state) if state else actions


def notice_token_for(decision: Decision) -> str:
    """The signed token of the uploader's notice link; it is also their appeal credential."""
    return signing.dumps({"decision": decision.pk}, salt=NOTICE_SALT)


def decision_for_notice_token(token: str) -> Decision | None:
    try:
        payload = signing.loads(token, salt=NOTICE_SALT)
    except signing.BadSignature:
        return None
    return (
        Decision.objects.select_related(
            "case__repository__owner", "case__account", "policy_section__policy", "license_clause__license"
        )
        .prefetch_related("actions", "appeals")
        .filter(pk=payload.get("decision"))
        .first()
    )
