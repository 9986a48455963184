"""Daily rollups of the transparency figures: counting each closed day once, and knowing when a
count no longer holds so that the summary counts that day live instead."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from itertools import islice

from django.db import connection, models, transaction
from django.db.models import Min, QuerySet
from django.utils import timezone

from hubmod.sql import column, concrete_field
from moderation.models import Case, Decision
from transparency.figures import FIGURES, day_runs, moments_of, on_days
from transparency.models import TransparencyDay

# A row's timestamp is taken before its transaction commits, so a day is counted only once it has
# been over long enough that no transaction can still add to it.
GRACE = timedelta(hours=1)
DAYS_PER_RUN = 62


def transparency_day_mark_stale(*, at: datetime) -> None:
    """The figures of the day `at` falls on have changed: count that day live until it is rolled up again.

    Call it in the transaction of any write that changes a figure of a day that may already be
    rolled up (a proposal approved or rejected later, actions added to an old decision). A rollup
    counting that day at the same moment holds the day's row: this waits for it, and lands after.
    """
    TransparencyDay.objects.bulk_create(
        [TransparencyDay(day=day_of(at), stale=True)],
        update_conflicts=True,
        unique_fields=["day"],
        update_fields=["stale"],
    )


def day_of(at: datetime) -> date:
    return timezone.localtime(at, timezone.get_default_timezone()).date()


def last_closed_day() -> date:
    return day_of(timezone.now() - GRACE) - timedelta(days=1)


def transparency_days_roll_up(*, days: Iterable[date]) -> int:
    """Count these days into their rollups, replacing what was there; returns how many were.

    Days not yet closed are left out, and so is a day another rollup is counting right now. A write
    still open on one of these days holds the day's row (transparency_day_mark_stale): the rollup
    waits for it, then counts it.
    """
    wanted = sorted({day for day in days if day <= last_closed_day()})
    if not wanted:
        return 0
    tz = timezone.get_default_timezone()
    with transaction.atomic():
        TransparencyDay.objects.bulk_create(
            [TransparencyDay(day=day, stale=True) for day in wanted], ignore_conflicts=True
        )
        locked = TransparencyDay.objects.select_for_update(skip_locked=True).filter(on_days(day_runs(wanted)))
        runs = day_runs(locked.values_list("day", flat=True))
        if not runs:
            return 0
        moments = moments_of(runs, tz)
        for figure in FIGURES:
            figure.rollup._default_manager.filter(on_days(runs)).delete()
            _insert(figure.rollup, figure.by_day(moments, tz))
        return TransparencyDay.objects.filter(on_days(runs)).update(stale=False, rolled_up_at=timezone.now())


def transparency_days_due(*, limit: int | None = None) -> list[date]:
    """Closed days with data on or after them whose rollup is missing or stale, newest first."""
    first, last = _first_day(), last_closed_day()
    if first is None or first > last:
        return []
    fresh = set(
        TransparencyDay.objects.filter(day__gte=first, day__lte=last, stale=False).values_list("day", flat=True)
    )
    closed = (last - timedelta(days=back) for back in range((last - first).days + 1))
    return list(islice((day for day in closed if day not in fresh), limit))


def transparency_rollup_due(*, limit: int = DAYS_PER_RUN) -> int:
    """Beat: roll up the newest days whose rollup is missing or stale, a bounded batch per run."""
    return transparency_days_roll_up(days=transparency_days_due(limit=limit))


def transparency_rollup_all() -> int:
    """Count every closed day again, fresh or not: after a bulk load, or to repair."""
    first = _first_day()
    if first is None:
        return 0
    return transparency_days_roll_up(
        days=(first + timedelta(days=n) for n in range((last_closed_day() - first).days + 1))
    )


def _first_day() -> date | None:
    # Actions and durations fall on their decision's day, so these three tables bound every figure.
    sources = (Case.reports.rel.related_model, Case, Decision)
    firsts = [model._default_manager.aggregate(first=Min("created_at"))["first"] for model in sources]
    return min((day_of(first) for first in firsts if first is not None), default=None)


def _insert(model: type[models.Model], rows: QuerySet) -> None:
    """INSERT … SELECT: a figure's daily counts go into its rollup without leaving the database."""
    compiler = rows.query.get_compiler(connection=connection)
    select, params = compiler.as_sql()
    columns = ", ".join(
        connection.ops.quote_name(column(concrete_field(model, alias))) for *_, alias in compiler.select
    )
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        # Table and column names come from the model; every value is a parameter.
        cursor.execute(f"INSERT INTO {table} ({columns}) {select}", params)
