import difflib
import hashlib
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Q

from hub.models import HubEvent, NameReservation, Repository, RepositoryRevision
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


@dataclass(frozen=True)
class FileEntry:
    path: str
    sha256: str
    size: int


@dataclass(frozen=True)
class FileChange:
    path: str
    before: FileEntry
    after: FileEntry


# A diff is read by a moderator on one page: past these, it says how much more there is.
DIFF_FILES_SHOWN = 200
CARD_DIFF_LINES_SHOWN = 1000
# difflib compares line by line in time that grows faster than the card; a longer card is
# compared on its first lines, and the diff says it was cut.
CARD_DIFF_INPUT_LINES = 5000


@dataclass(frozen=True)
class RevisionDiff:
    """What changed between a revision hubmod took a snapshot of and the head."""

    from_revision: str
    to_revision: str
    from_synced_at: datetime
    from_card: str  # the card as it was at from_revision
    added: list[FileEntry]
    removed: list[FileEntry]
    changed: list[FileChange]  # same path, other content (by sha256)
    files_total: int  # added + removed + changed, before the lists were cut to DIFF_FILES_SHOWN
    card_changed: bool
    card_diff: list[str]  # a unified diff, one line each
    card_diff_cut: bool

    @property
    def same(self) -> bool:
        return not self.files_total and not self.card_changed

    @property
    def files_not_shown(self) -> int:
        return self.files_total - len(self.added) - len(self.removed) - len(self.changed)


def _entries(files: Iterable[Mapping[str, Any]]) -> dict[str, FileEntry]:
    return {f["path"]: FileEntry(path=f["path"], sha256=f["sha256"], size=f["size"]) for f in files}


# Part of the key a diff is kept under: raise it when what revision_diff computes changes.
_DIFF_VERSION = 1
_DIFF_KEPT_SECONDS = 24 * 3600


def revision_diff(repository: Repository, from_revision: str) -> RevisionDiff | None:
    """Files added, removed and changed (by digest), and the card's unified diff, from the
    snapshot of `from_revision` to the head; None when hubmod holds no snapshot of that revision
    (it never saw it). A reporter may name a commit by the start of its sha, as git abbreviates
    it: a prefix that names one snapshot is that snapshot.

    The snapshots' keys and sync times are read first (one query) and the diff is kept in the
    cache under them and the head's card: reading two 500-file snapshots and diffing them cost the
    case page ~9 ms (bench case_page). A snapshot changes only when a sync rewrites it, which moves
    its sync time. Computing it reads the two snapshots (a second query; a third for a head that
    has no snapshot of its own, whose diff is not kept)."""
    if not from_revision:
        return None
    stamps = list(
        RepositoryRevision.objects.filter(repository=repository)
        .filter(Q(revision__startswith=from_revision) | Q(revision=repository.revision))
        .values_list("pk", "revision", "synced_at")
    )
    named = [s for s in stamps if s[1].startswith(from_revision)]
    exact = next((s for s in named if s[1] == from_revision), None)
    # An abbreviation two snapshots share names neither.
    before = exact or (named[0] if len(named) == 1 else None)
    if before is None:
        return None
    head = next((s for s in stamps if s[1] == repository.revision), None)
    key = None
    if head is not None:
        card = hashlib.sha256(repository.card.encode()).hexdigest()
        key = (
            f"revision-diff:{_DIFF_VERSION}:{before[0]}:{before[2].isoformat()}:{head[0]}:{head[2].isoformat()}:{card}"
        )
        kept = cache.get(key)
        if isinstance(kept, RevisionDiff):
            return kept
    diff = _diff(
        repository, RepositoryRevision.objects.in_bulk([before[0], *([head[0]] if head else [])]), before, head
    )
    if key is not None:
        cache.set(key, diff, _DIFF_KEPT_SECONDS)
    return diff


_Stamp = tuple[int, str, datetime]  # a snapshot's key, revision and sync time


def _diff(
    repository: Repository, snapshots: dict[int, RepositoryRevision], before_stamp: _Stamp, head_stamp: _Stamp | None
) -> RevisionDiff:
    before = snapshots[before_stamp[0]]
    head = snapshots.get(head_stamp[0]) if head_stamp else None
    head_files = head.files if head is not None else list(repository.files.values("path", "sha256", "size"))
    old, new = _entries(before.files), _entries(head_files)
    added = [new[p] for p in sorted(new.keys() - old.keys())]
    removed = [old[p] for p in sorted(old.keys() - new.keys())]
    changed = [
        FileChange(path=p, before=old[p], after=new[p])
        for p in sorted(old.keys() & new.keys())
        if old[p].sha256 != new[p].sha256
    ]
    old_card, new_card = before.card.splitlines(), repository.card.splitlines()
    card_lines = difflib.unified_diff(
        old_card[:CARD_DIFF_INPUT_LINES],
        new_card[:CARD_DIFF_INPUT_LINES],
        fromfile=f"card at {before.revision}",
        tofile=f"card at {repository.revision}",
        lineterm="",
    )
    card_diff = list(itertools.islice(card_lines, CARD_DIFF_LINES_SHOWN + 1))
    card_changed = before.card != repository.card
    input_cut = card_changed and max(len(old_card), len(new_card)) > CARD_DIFF_INPUT_LINES
    return RevisionDiff(
        from_revision=before.revision,
        to_revision=repository.revision,
        from_synced_at=before.synced_at,
        from_card=before.card,
        added=added[:DIFF_FILES_SHOWN],
        removed=removed[:DIFF_FILES_SHOWN],
        changed=changed[:DIFF_FILES_SHOWN],
        files_total=len(added) + len(removed) + len(changed),
        card_changed=card_changed,
        card_diff=card_diff[:CARD_DIFF_LINES_SHOWN],
        card_diff_cut=len(card_diff) > CARD_DIFF_LINES_SHOWN or input_cut,
    )


def hub_events(*, state: str | None = None, limit: int = 500) -> list[HubEvent]:
    """The newest events of the hub's outbox, in one state or all, with their repositories."""
    events = HubEvent.objects.select_related("repository").order_by("-id")
    if state:
        events = events.filter(state=state)
    return list(events[:limit])


def revision_before(repository: Repository, at: datetime) -> str | None:
    """The last revision the hub published before `at` (what a rollback goes back to), or None."""
    return (
        RepositoryRevision.objects.filter(repository=repository, first_synced_at__lt=at)
        .order_by("-first_synced_at", "-id")
        .values_list("revision", flat=True)
        .first()
    )


def name_reservations(*, name: str = "", limit: int = 200) -> list[NameReservation]:
    """Reservations, those in force first, newest first; `name` narrows to names containing it."""
    rows = NameReservation.objects.select_related("released_by")
    if name:
        rows = rows.filter(name__icontains=name)
    return list(rows.order_by(F("released_at").desc(nulls_first=True), "-id")[:limit])
