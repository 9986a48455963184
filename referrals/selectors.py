"""Reads: the legal queue, referrals, and which cases stand under a preservation hold."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet

from moderation.models import OPEN_CASE_STATES, Case
from moderation.restriction import restricted_cases_q
from referrals.models import PreservationHold, Referral


def _active_holds() -> QuerySet[PreservationHold]:
    return PreservationHold.objects.filter(state=PreservationHold.State.ACTIVE)


def legal_queue(*, include_closed: bool = False) -> QuerySet[Case]:
    """Restricted cases, most urgent first; open ones unless `include_closed`. Each carries how
    many referrals it has and whether a hold stands on it."""
    cases = Case.objects.filter(restricted_cases_q())
    if not include_closed:
        cases = cases.filter(state__in=OPEN_CASE_STATES)
    return (
        cases.select_related("repository__owner", "account", "assignee")
        .annotate(
            referral_count=Count("referrals", distinct=True),
            on_hold=Exists(_active_holds().filter(case=OuterRef("pk"))),
        )
        .order_by("-priority", "due_at", "id")
    )


def referral_list(*, case_id: int | None = None) -> QuerySet[Referral]:
    referrals = Referral.objects.select_related("case", "created_by").order_by("-id")
    return referrals.filter(case_id=case_id) if case_id else referrals


def referral_get(*, referral_id: int) -> Referral | None:
    return (
        Referral.objects.select_related("case__repository__owner", "case__account", "created_by")
        .filter(pk=referral_id)
        .first()
    )


def hold_list(*, case_id: int | None = None, active: bool | None = None) -> QuerySet[PreservationHold]:
    holds = PreservationHold.objects.select_related("placed_by", "released_by", "referral").order_by("-id")
    if case_id:
        holds = holds.filter(case_id=case_id)
    if active is not None:
        holds = (
            holds.filter(state=PreservationHold.State.ACTIVE)
            if active
            else holds.exclude(state=PreservationHold.State.ACTIVE)
        )
    return holds


def hold_get(*, hold_id: int) -> PreservationHold | None:
    return PreservationHold.objects.filter(pk=hold_id).first()


def case_on_hold(*, case_id: int) -> bool:
    return _active_holds().filter(case_id=case_id).exists()


def held_case_ids() -> QuerySet[PreservationHold, Any]:
    """The ids of cases with a standing hold, as a subquery."""
    return _active_holds().values("case_id")
