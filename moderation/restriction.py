"""Restricted cases: child-safety material and threats to life or safety (issue 9).

One rule, used by every place that routes a case, lets someone take it, or shows or serves its
evidence: a case is restricted when its category is restricted (child safety) or it has been
escalated to legal. Only holders of RESTRICTED_PERM (the legal role) take restricted cases and
read their evidence files; every other role, hub admins included, sees that the case and its
evidence exist (digests, sizes), never the bytes.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from moderation.models import Case

# Categories whose cases go to legal as they open.
RESTRICTED_CATEGORIES = frozenset({"child_safety"})
ROUTED_TO_LEGAL_REASON = "Child-safety reports go to legal as they arrive."
# Defined by the referrals app (Referral.Meta.permissions). Named here as a string, not imported,
# because moderation never imports referrals; without that app nobody holds it, so access fails closed.
RESTRICTED_PERM = "referrals.view_restricted_evidence"


def case_is_restricted(case: Case) -> bool:
    return case.category in RESTRICTED_CATEGORIES or case.escalated_to == Case.EscalatedTo.LEGAL


def restricted_cases_q(prefix: str = "") -> Q:
    """The same rule as a filter; `prefix` reaches a case through a relation, e.g. "report__case__"."""
    return Q(**{f"{prefix}category__in": RESTRICTED_CATEGORIES}) | Q(
        **{f"{prefix}escalated_to": Case.EscalatedTo.LEGAL}
    )


def may_work_restricted(who: Any) -> bool:
    """`who` is a user or an Actor; both answer has_perm (the system actor holds every permission)."""
    return bool(who is not None and who.has_perm(RESTRICTED_PERM))


def may_read_evidence(who: Any, case: Case) -> bool:
    """Staff who see cases read their evidence, except a restricted case's: that is legal's alone."""
    if who is None or not getattr(who, "is_authenticated", True) or not who.has_perm("moderation.view_case"):
        return False
    return not case_is_restricted(case) or may_work_restricted(who)
