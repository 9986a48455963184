from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q

from hub.models import HubEvent, Repository


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

_DESCENDANTS_SQL = """
WITH RECURSIVE lineage(repository_id, full_name, relation, depth) AS (
    SELECT r.id, r.full_name, l.relation, 1
    FROM hub_basemodellink l JOIN hub_repository r ON r.id = l.repository_id
    WHERE l.base_full_name = %s
    UNION
    SELECT r.id, r.full_name, l.relation, lineage.depth + 1
    FROM lineage
    JOIN hub_basemodellink l ON l.base_full_name = lineage.full_name
    JOIN hub_repository r ON r.id = l.repository_id
    WHERE lineage.depth < %s
)
SELECT repository_id, full_name, MIN(depth) FROM lineage
WHERE full_name <> %s GROUP BY repository_id, full_name ORDER BY MIN(depth), full_name
"""

_ANCESTORS_SQL = """
WITH RECURSIVE lineage(full_name, relation, depth) AS (
    SELECT l.base_full_name, l.relation, 1
    FROM hub_basemodellink l WHERE l.repository_id = %s
    UNION
    SELECT l.base_full_name, l.relation, lineage.depth + 1
    FROM lineage
    JOIN hub_repository r ON r.full_name = lineage.full_name
    JOIN hub_basemodellink l ON l.repository_id = r.id
    WHERE lineage.depth < %s
)
SELECT full_name, MIN(depth) FROM lineage WHERE full_name <> %s GROUP BY full_name ORDER BY MIN(depth), full_name
"""


@dataclass(frozen=True)
class Relative:
    full_name: str
    depth: int
    repository_id: int | None = None


def repository_descendants(repository: Repository) -> list[Relative]:
    """Every fine-tune, adapter, quantisation and merge built on `repository`, transitively, in one
    recursive query; diamonds appear once and cycles stop at the depth limit."""
    with connection.cursor() as cursor:
        cursor.execute(_DESCENDANTS_SQL, [repository.full_name, LINEAGE_MAX_DEPTH, repository.full_name])
        return [Relative(full_name, depth, pk) for pk, full_name, depth in cursor.fetchall()]


def repository_ancestors(repository: Repository) -> list[Relative]:
    """The base models `repository` is built on, transitively (they need not be synced)."""
    with connection.cursor() as cursor:
        cursor.execute(_ANCESTORS_SQL, [repository.pk, LINEAGE_MAX_DEPTH, repository.full_name])
        return [Relative(full_name, depth) for full_name, depth in cursor.fetchall()]


def hub_events(*, state: str | None = None, limit: int = 500) -> list[HubEvent]:
    """The newest events of the hub's outbox, in one state or all, with their repositories."""
    events = HubEvent.objects.select_related("repository").order_by("-id")
    if state:
        events = events.filter(state=state)
    return list(events[:limit])
