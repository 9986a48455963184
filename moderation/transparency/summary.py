"""The public summary of a period: what was reported, decided and appealed, and how fast."""

from __future__ import annotations

import statistics
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F
from django.utils import timezone

from moderation.models import Appeal, Case, Decision, EnforcementAction

DECIDED_APPEALS = (Appeal.State.UPHELD, Appeal.State.OVERTURNED, Appeal.State.MODIFIED)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tz), datetime.combine(end + timedelta(days=1), time.min, tz)


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 2)
    return round(statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1], 2)


def transparency_summary(*, start: date, end: date) -> dict:
    """Counts and durations for decisions, reports, cases and appeals made between two dates."""
    since, until = _bounds(start, end)
    reports = _reports_between(since, until)
    decisions = Decision.objects.filter(created_at__gte=since, created_at__lt=until).exclude(
        approval=Decision.Approval.REJECTED
    )
    actions = EnforcementAction.objects.filter(
        decision__in=decisions.filter(approval=Decision.Approval.EFFECTIVE), reverses__isnull=True
    )
    hours = [
        (decided - opened).total_seconds() / 3600
        for decided, opened in decisions.values_list("created_at", "case__created_at")
    ]
    appeals = Appeal.objects.filter(created_at__gte=since, created_at__lt=until)
    decided_appeals = appeals.filter(state__in=DECIDED_APPEALS)
    reversed_count = decided_appeals.filter(state__in=[Appeal.State.OVERTURNED, Appeal.State.MODIFIED]).count()
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "reports": {
            "total": reports.count(),
            "by_category": _counts(reports, "category"),
            "by_source": _counts(reports, "source"),
        },
        "cases": {
            "opened": Case.objects.filter(created_at__gte=since, created_at__lt=until).count(),
            "linked_by_lineage": Case.objects.filter(
                created_at__gte=since, created_at__lt=until, linked_from__isnull=False
            ).count(),
        },
        "decisions": {
            "total": decisions.count(),
            "by_outcome": _counts(decisions, "outcome"),
            "by_category": _counts(decisions, "case__category"),
            "by_ground": {
                "policy": decisions.filter(policy_section__isnull=False).count(),
                "license": decisions.filter(license_clause__isnull=False).count(),
                "none": decisions.filter(policy_section__isnull=True, license_clause__isnull=True).count(),
            },
            "automated_detection": decisions.filter(automated_detection=True).count(),
            "automated_decision": decisions.filter(automated_decision=True).count(),
            "awaiting_second_approval": decisions.filter(approval=Decision.Approval.PROPOSED).count(),
        },
        "actions": {"by_kind": _counts(actions, "kind")},
        "time_to_decision_hours": {"median": _percentile(hours, 0.5), "p90": _percentile(hours, 0.9)},
        "appeals": {
            "total": appeals.count(),
            "by_kind": _counts(appeals, "kind"),
            "by_appellant": _counts(appeals, "appellant"),
            "by_outcome": _counts(decided_appeals, "state"),
            "pending": appeals.filter(state__in=[Appeal.State.SUBMITTED, Appeal.State.IN_REVIEW]).count(),
            "reversal_rate": round(reversed_count / decided_appeals.count(), 4) if decided_appeals.count() else None,
        },
    }


def _counts(queryset, field: str) -> dict[str, int]:
    rows = queryset.order_by().values(key=F(field)).annotate(n=Count("pk"))
    return {row["key"]: row["n"] for row in rows if row["key"] is not None}


def _reports_between(since, until):
    # Through the relation: moderation never imports intake (DESIGN.md).
    return Case.reports.rel.related_model.objects.filter(created_at__gte=since, created_at__lt=until)


def reports_per_month(*, start: date, end: date) -> list[dict]:
    """Reports per category per calendar month: [{"month": "2026-11", "category": ..., "count": n}]."""
    from django.db.models.functions import TruncMonth

    since, until = _bounds(start, end)
    rows = (
        _reports_between(since, until)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "category")
        .annotate(n=Count("pk"))
        .order_by("month", "category")
    )
    return [{"month": row["month"].strftime("%Y-%m"), "category": row["category"], "count": row["n"]} for row in rows]


def flatten(summary: dict, prefix: str = "") -> list[tuple[str, object]]:
    """The summary as (dotted.key, value) rows, for a CSV download."""
    rows = []
    for key, value in summary.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows += flatten(value, f"{name}.")
        else:
            rows.append((name, value))
    return rows
