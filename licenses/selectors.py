from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, Prefetch, QuerySet

from licenses.models import License, LicenseClause


def license_list() -> QuerySet[License]:
    return License.objects.prefetch_related(Prefetch("clauses", queryset=LicenseClause.objects.order_by("ref")))


def license_get(*, key: str) -> License | None:
    return license_list().filter(key=key).first()


def actionable_clause_get(*, clause_id: int) -> LicenseClause | None:
    return (
        LicenseClause.objects.select_related("license")
        .filter(pk=clause_id, actionable=True, license__actionable=True)
        .first()
    )


@dataclass(frozen=True)
class Change:
    at: datetime
    by: str | None
    object: str
    kind: str  # created | changed | deleted
    fields: list[dict[str, Any]]


def _changes(records: Iterable[Any], label: Callable[[Any], str]) -> list[Change]:
    # Any: django-simple-history's historical records have no types.
    """Consecutive history records of one object, as field-by-field changes."""
    changes = []
    previous = None
    for record in records:
        kind = {"+": "created", "~": "changed", "-": "deleted"}[record.history_type]
        fields: list[dict[str, Any]]
        if previous is None:
            fields = []
        else:
            delta = record.diff_against(previous)
            fields = [{"field": c.field, "old": c.old, "new": c.new} for c in delta.changes]
        user = record.history_user
        changes.append(Change(record.history_date, user.get_username() if user else None, label(record), kind, fields))
        previous = record
    return changes


def license_history(*, license_: License) -> list[Change]:
    """Every change to a license and its clauses, newest first, with who made it."""
    changes = _changes(license_.history.order_by("history_id"), lambda r: "license")
    clause_ids = LicenseClause.history.filter(license_id=license_.pk).values_list("id", flat=True).distinct()
    for clause_id in clause_ids:
        records = LicenseClause.history.filter(id=clause_id).select_related("history_user").order_by("history_id")
        changes += _changes(records, lambda r: f"clause {r.ref}")
    return sorted(changes, key=lambda c: c.at, reverse=True)


def actionable_catalogue() -> QuerySet[License]:
    return License.objects.filter(actionable=True).prefetch_related(
        Prefetch("clauses", queryset=LicenseClause.objects.filter(actionable=True).order_by("ref"))
    )


def actionable_catalogue_stamp() -> tuple[Any, ...]:
    """What changes whenever the actionable catalogue may have: the clauses' count, highest id and
    latest edit, and their licenses' latest edit, in one query. What is built from the catalogue
    (the decide form's grounds) is kept by it."""
    stamp = LicenseClause.objects.aggregate(
        n=Count("id"), last=Max("id"), clause=Max("updated_at"), license=Max("license__updated_at")
    )
    return tuple(stamp.values())


def unactionable_licenses() -> QuerySet[License]:
    """Licenses the hub knows and does not act on, each with the reason (its rationale)."""
    return License.objects.filter(actionable=False).order_by("key")


def license_choices() -> list[tuple[str, str]]:
    """(key, name) of every license in the catalogue, for a report form's choice."""
    return list(License.objects.order_by("key").values_list("key", "name"))
