"""What the transparency summary counts, defined once for the live queries and the daily rollups.

A figure is a source table's rows grouped by the dimensions the summary reports, counted. Its
rollup model has the dimensions as fields, plus `day` and the counts; the live count and the
rollup group by the same expressions, so a day read from its rollup and the same day counted
live are the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from django.db import models
from django.db.models import Case as Switch
from django.db.models import Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncDate

from moderation.models import Case, Decision, EnforcementAction
from transparency.histogram import bucket_of, hours_to_decision
from transparency.models import (
    DailyActionCount,
    DailyCaseCount,
    DailyDecisionCount,
    DailyHoursToDecision,
    DailyReportCount,
)

DayRuns = list[tuple[date, date]]  # consecutive days, first and last included
Moments = list[tuple[datetime, datetime]]  # [since, until)


@dataclass(frozen=True)
class Figure:
    rollup: type[models.Model]
    moment: str  # the timestamp that puts a row on a day
    rows: Callable[[], QuerySet]
    # name -> field path or expression; the names are the rollup's fields
    dimensions: Callable[[], dict[str, str | models.Expression]]
    counts: Callable[[], dict[str, models.Aggregate]]
    # A timestamp of the row itself that is never earlier than `moment`: bounding it as well lets a
    # recent day be counted from recent rows (through its index) rather than a join over all of them.
    never_before_moment: str | None = None

    def rolled_up(self, runs: DayRuns) -> list[dict]:
        """The figure over these days, added up from their rollups."""
        if not runs:
            return []
        rows = self.rollup._default_manager.filter(on_days(runs)).order_by()
        sums = {f"{name}_sum": Sum(name) for name in self.counts()}
        names = list(self.dimensions())
        found = [rows.aggregate(**sums)] if not names else list(rows.values(*names).annotate(**sums))
        return [
            {**{name: row[name] for name in names}, **{name: row[f"{name}_sum"] or 0 for name in self.counts()}}
            for row in found
        ]

    def by_day(self, moments: Moments, tz: tzinfo) -> QuerySet:
        """The rows of the rollup for these spans of time, one per day and dimension, as a query."""
        fields, expressions = _grouping(self.dimensions())
        return (
            self.rows()
            .filter(self.spans(moments))
            .order_by()
            .values(*fields, day=TruncDate(self.moment, tzinfo=tz), **expressions)
            .annotate(**self.counts())
        )

    def spans(self, moments: Moments) -> Q:
        spans = Q()
        for since, until in moments:
            span = Q(**{f"{self.moment}__gte": since, f"{self.moment}__lt": until})
            if self.never_before_moment:
                # A day's margin, so that a clock stepping back can never drop a row.
                span &= Q(**{f"{self.never_before_moment}__gte": since - timedelta(days=1)})
            spans |= span
        return spans


def count_live(figures: Sequence[Figure], moments: Moments) -> list[list[dict]]:
    """Figures over the same source rows, counted in one pass: one query grouped by all their
    dimensions (one scan and join, not one per figure), added up here by each figure's own."""
    source = figures[0]
    if any(
        (figure.rows, figure.moment, figure.never_before_moment)
        != (source.rows, source.moment, source.never_before_moment)
        for figure in figures
    ):
        raise ValueError("Only figures over the same rows and moments can be counted in one pass.")
    if not moments:
        return [[] for _ in figures]
    dimensions = {name: way for figure in figures for name, way in figure.dimensions().items()}
    counts = {name: aggregate for figure in figures for name, aggregate in figure.counts().items()}
    rows = source.rows().filter(source.spans(moments)).order_by()
    fields, expressions = _grouping(dimensions)
    found = (
        [rows.aggregate(**counts)] if not dimensions else list(rows.values(*fields, **expressions).annotate(**counts))
    )
    return [_added_up(found, list(figure.dimensions()), list(figure.counts())) for figure in figures]


def _added_up(rows: list[dict], names: list[str], counts: list[str]) -> list[dict]:
    totals: dict[tuple, dict] = {}
    for row in rows:
        key = tuple(row[name] for name in names)
        total = totals.setdefault(key, {**dict(zip(names, key, strict=True)), **dict.fromkeys(counts, 0)})
        for name in counts:
            total[name] += row[name]
    return list(totals.values())


def _grouping(dimensions: dict) -> tuple[list[str], dict]:
    # A source field keeps its own name; anything else is an expression named for the rollup's field.
    fields = [name for name, way in dimensions.items() if way == name]
    expressions = {name: F(way) if isinstance(way, str) else way for name, way in dimensions.items() if way != name}
    return fields, expressions


def on_days(runs: DayRuns) -> Q:
    days = Q()
    for first, last in runs:
        days |= Q(day__gte=first, day__lte=last)
    return days


def day_runs(days) -> DayRuns:
    runs: DayRuns = []
    for day in sorted(days):
        if runs and runs[-1][1] == day - timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def moments_of(runs: DayRuns, tz: tzinfo) -> Moments:
    return [
        (datetime.combine(first, time.min, tz), datetime.combine(last + timedelta(days=1), time.min, tz))
        for first, last in runs
    ]


def case_reports():
    # Through the relation: moderation never imports intake (DESIGN.md).
    return Case.reports.rel.related_model.objects.all()


def _decisions_counted():
    return Decision.objects.exclude(approval=Decision.Approval.REJECTED)


def _ground():
    return Switch(
        When(policy_section__isnull=False, then=Value("policy")),
        When(license_clause__isnull=False, then=Value("license")),
        default=Value("none"),
        output_field=models.CharField(),
    )


REPORTS = Figure(
    rollup=DailyReportCount,
    moment="created_at",
    rows=case_reports,
    dimensions=lambda: {"category": "category", "source": "source"},
    counts=lambda: {"count": Count("pk")},
)
CASES = Figure(
    rollup=DailyCaseCount,
    moment="created_at",
    rows=Case.objects.all,
    dimensions=lambda: {},
    counts=lambda: {"opened": Count("pk"), "linked_by_lineage": Count("pk", filter=Q(linked_from__isnull=False))},
)
DECISIONS = Figure(
    rollup=DailyDecisionCount,
    moment="created_at",
    rows=_decisions_counted,
    dimensions=lambda: {
        "outcome": "outcome",
        "category": "case__category",
        "ground": _ground(),
        "automated_detection": "automated_detection",
        "automated_decision": "automated_decision",
        "approval": "approval",
    },
    counts=lambda: {"count": Count("pk")},
)
ACTIONS = Figure(
    rollup=DailyActionCount,
    moment="decision__created_at",
    rows=lambda: EnforcementAction.objects.filter(
        decision__approval=Decision.Approval.EFFECTIVE, reverses__isnull=True
    ),
    dimensions=lambda: {"kind": "kind"},
    counts=lambda: {"count": Count("pk")},
    never_before_moment="created_at",  # an action is made with its decision, or later
)
HOURS_TO_DECISION = Figure(
    rollup=DailyHoursToDecision,
    moment="created_at",
    rows=_decisions_counted,
    dimensions=lambda: {"bucket": bucket_of(hours_to_decision())},
    counts=lambda: {"count": Count("pk")},
)
FIGURES = (REPORTS, CASES, DECISIONS, ACTIONS, HOURS_TO_DECISION)
