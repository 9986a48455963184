from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q

from hub.models import HubEvent, Repository
from hub.queries import ANCESTORS_SQL, DESCENDANTS_SQL


def repository_get(*, full_name: str) -> Repository | None:
    """The repository with its lineage, files and open case count, in three queries."""
    return (
        Repository.objects.filter(full_name=full_name)
        .select_related("owner")
        .prefetch_related("base_links", "files")
        .annotate(open_cases=Count("cases", filter=~Q(cases__state="resolved")))
        .first()
    )


LINEAGE_MAX_DEPTH = 32


@dataclass(frozen=True)
class Relative:
    full_name: str
    depth: int
    repository_id: int | None = None


def repository_descendants(repository: Repository) -> list[Relative]:
    """Every fine-tune, adapter, quantisation and merge built on `repository`, transitively, in one
    recursive query; diamonds appear once and cycles stop at the depth limit."""
    with connection.cursor() as cursor:
        cursor.execute(DESCENDANTS_SQL, [repository.full_name, LINEAGE_MAX_DEPTH, repository.full_name])
        return [Relative(full_name, depth, pk) for pk, full_name, depth in cursor.fetchall()]


def repository_ancestors(repository: Repository) -> list[Relative]:
    """The base models `repository` is built on, transitively (they need not be synced)."""
    with connection.cursor() as cursor:
        cursor.execute(ANCESTORS_SQL, [repository.pk, LINEAGE_MAX_DEPTH, repository.full_name])
        return [Relative(full_name, depth) for full_name, depth in cursor.fetchall()]


def hub_events(*, state: str | None = None, limit: int = 500) -> list[HubEvent]:
    """The newest events of the hub's outbox, in one state or all, with their repositories."""
    events = HubEvent.objects.select_related("repository").order_by("-id")
    if state:
        events = events.filter(state=state)
    return list(events[:limit])
