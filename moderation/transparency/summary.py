"""The public summary of a period: what was reported, decided and appealed, and how fast."""

from __future__ import annotations

import statistics
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Aggregate, BooleanField, Count, ExpressionWrapper, F, FloatField, Q
from django.db.models.functions import Extract
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


class Percentiles(Aggregate):
    """PostgreSQL's ordered-set aggregate: linear-interpolation percentiles, all in one sort."""

    function = "percentile_cont"
    template = "%(function)s(ARRAY[%(shares)s]) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, *, shares: tuple[float, ...]):
        from django.contrib.postgres.fields import ArrayField

        super().__init__(
            expression, shares=", ".join(str(float(s)) for s in shares), output_field=ArrayField(FloatField())
        )


def _hours_to_decision(decisions) -> dict:
    """Median and p90 hours from a case's opening to its decision, computed where the rows are."""
    if connection.vendor == "postgresql":
        hours = ExpressionWrapper(
            Extract(F("created_at") - F("case__created_at"), "epoch") / 3600.0, output_field=FloatField()
        )
        with transaction.atomic(), connection.cursor() as cursor:
            # A year is about a million values: let the sort stay in memory rather than spill to disk.
            cursor.execute("SET LOCAL work_mem = '64MB'")
            values = decisions.order_by().aggregate(p=Percentiles(hours, shares=(0.5, 0.9)))["p"]
        median, p90 = values if values else (None, None)
        return {"median": _rounded(median), "p90": _rounded(p90)}
    hours = [
        (decided - opened).total_seconds() / 3600
        for decided, opened in decisions.values_list("created_at", "case__created_at")
    ]
    return {"median": _percentile(hours, 0.5), "p90": _percentile(hours, 0.9)}


def transparency_summary(*, start: date, end: date) -> dict:
    """Counts and durations for decisions, reports, cases and appeals made between two dates.

    Each large table is read once, grouped by every dimension the summary reports, and the counts
    are added up here: a year holds a million decisions and a million reports.
    """
    since, until = _bounds(start, end)
    report_rows = list(
        _reports_between(since, until).order_by().values_list("category", "source").annotate(n=Count("pk"))
    )
    decisions = Decision.objects.filter(created_at__gte=since, created_at__lt=until).exclude(
        approval=Decision.Approval.REJECTED
    )
    decision_rows = list(
        decisions.order_by()
        .annotate(
            policy=ExpressionWrapper(Q(policy_section__isnull=False), output_field=BooleanField()),
            license=ExpressionWrapper(Q(license_clause__isnull=False), output_field=BooleanField()),
        )
        .values_list(
            "outcome", "case__category", "policy", "license", "automated_detection", "automated_decision", "approval"
        )
        .annotate(n=Count("pk"))
    )
    actions = EnforcementAction.objects.filter(
        decision__created_at__gte=since,
        decision__created_at__lt=until,
        decision__approval=Decision.Approval.EFFECTIVE,
        reverses__isnull=True,
    )
    cases = Case.objects.filter(created_at__gte=since, created_at__lt=until).aggregate(
        opened=Count("pk"), linked_by_lineage=Count("pk", filter=Q(linked_from__isnull=False))
    )
    appeals = Appeal.objects.filter(created_at__gte=since, created_at__lt=until)
    decided_appeals = appeals.filter(state__in=DECIDED_APPEALS)
    reversed_count = decided_appeals.filter(state__in=[Appeal.State.OVERTURNED, Appeal.State.MODIFIED]).count()
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "reports": {
            "total": sum(n for *_, n in report_rows),
            "by_category": _summed(report_rows, 0),
            "by_source": _summed(report_rows, 1),
        },
        "cases": cases,
        "decisions": {
            "total": sum(row[-1] for row in decision_rows),
            "by_outcome": _summed(decision_rows, 0),
            "by_category": _summed(decision_rows, 1),
            "by_ground": {
                "policy": sum(row[-1] for row in decision_rows if row[2]),
                "license": sum(row[-1] for row in decision_rows if row[3]),
                "none": sum(row[-1] for row in decision_rows if not row[2] and not row[3]),
            },
            "automated_detection": sum(row[-1] for row in decision_rows if row[4]),
            "automated_decision": sum(row[-1] for row in decision_rows if row[5]),
            "awaiting_second_approval": sum(row[-1] for row in decision_rows if row[6] == Decision.Approval.PROPOSED),
        },
        "actions": {"by_kind": _counts(actions, "kind")},
        "time_to_decision_hours": _hours_to_decision(decisions),
        "appeals": {
            "total": appeals.count(),
            "by_kind": _counts(appeals, "kind"),
            "by_appellant": _counts(appeals, "appellant"),
            "by_outcome": _counts(decided_appeals, "state"),
            "pending": appeals.filter(state__in=[Appeal.State.SUBMITTED, Appeal.State.IN_REVIEW]).count(),
            "reversal_rate": round(reversed_count / decided_appeals.count(), 4) if decided_appeals.count() else None,
        },
    }


def _rounded(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


def _summed(rows: list[tuple], column: int) -> dict[str, int]:
    totals: dict[str, int] = {}
    for row in rows:
        if row[column] is not None:
            totals[row[column]] = totals.get(row[column], 0) + row[-1]
    return totals


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
