"""`make bench BENCH=revocations`: the signed revocation feed against floors measured in the same run
(issue 22).

- The snapshot of 100,000 revocations, built and signed: every page from the first entry to seq
  100,000 through the product's selector (`revocations.selectors.revocations_page`, the exact bytes
  the API serves), against a bare psycopg read of the same rows and a `json.dumps` of them. Goal:
  at most 2x the floor.
- The verifier answering 1,000,000 look-ups from its local copy (`Store.revoked_file` and
  `Store.revoked_repository`, half by sha256, half by repository and revision; a third of each
  misses), against a plain Python dict look-up of the same keys (`dict.get`) from the same inputs
  (a digest; a repository and a revision, made one tuple key). Goal: at least 0.5x its speed. The
  keyword form, `Store.revoked(...)`, is shown beside it.
  The verification of the whole snapshot by the verifier is shown beside them for context.

The bench makes its own entries in `hubmod_bench` (once: they are kept from run to run), signed with
the feed's key through the product's format code; entries the other benchmarks' enforcement actions
publish come first, and count among the 100,000.
"""

from __future__ import annotations

import hashlib
import json
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from tests.bench.run import DATABASE_URL, ROUNDS, Row, say

SNAPSHOT = 100_000
LOOKUPS = 1_000_000
GOAL_SNAPSHOT = 2.0  # at most this many times the floor's time
GOAL_LOOKUPS = 0.5  # at least this fraction of the dict's speed
LIFT_EVERY = 20  # one entry in twenty lifts the one before it: the feed has lifts, as in life

FLOOR_SQL = """
SELECT seq, action_id, repository, revision, sha256, severity, reason, statement_url, revoked_at, lifted_at, lifts_id
FROM revocations_revocationentry WHERE seq <= %s ORDER BY seq
"""


def bench_revocations(rows: list[Row]) -> None:
    entries_ensure(SNAPSHOT)
    pages = bench_snapshot(rows)
    bench_lookups(rows, pages)


# --- arranging -----------------------------------------------------------------------------------


def entries_ensure(count: int) -> None:
    """At least `count` entries in the feed: what is missing is appended after the head, numbered,
    made canonical and signed as revocations.services does it."""
    from django.db import transaction

    from revocations import feed
    from revocations.keys import signing_key
    from revocations.models import RevocationEntry, RevocationFeedHead

    key = signing_key()
    started = time.monotonic()
    with transaction.atomic():
        head = RevocationFeedHead.objects.select_for_update().get(pk=1)
        missing = count - head.seq
        if missing <= 0:
            return
        say(f"revocations: making {missing:,} entries")
        base = datetime(2026, 1, 1, tzinfo=UTC)
        batch: list[RevocationEntry] = []
        for seq in range(head.seq + 1, count + 1):
            # A lift only of an entry made here: those before are other benchmarks' own.
            lifting = seq % LIFT_EVERY == 0 and seq - 1 > head.seq
            batch.append(_entry(seq, base + timedelta(seconds=seq), key, feed, lifting=lifting))
            if len(batch) == 5000:
                RevocationEntry.objects.bulk_create(batch)
                batch = []
        RevocationEntry.objects.bulk_create(batch)
        head.seq = count
        head.save(update_fields=["seq"])
    say(f"revocations: {count:,} entries ready in {time.monotonic() - started:.0f} s")


def _entry(seq: int, at: datetime, key, feed, *, lifting: bool):
    from revocations.models import RevocationEntry

    subject = seq - 1 if lifting else seq  # a lift names what it lifts
    fields = {
        "seq": seq,
        "action": "remove_files" if subject % 2 else "quarantine",
        "repository": f"bench-feed-u{subject % 5000}/model-{subject}",
        "revision": f"{subject:040x}"[:40],
        "severity": "hard" if subject % 3 else "soft",
        "reason": "malicious_code",
        "statement_url": f"https://hubmod.example/notices/bench-{subject}/",
        "revoked_at": feed.timestamp(at - timedelta(seconds=1) if lifting else at),
    }
    if subject % 2:
        fields["sha256"] = hashlib.sha256(str(subject).encode()).hexdigest()
    if lifting:
        fields |= {"lifted_at": feed.timestamp(at), "lifts": seq - 1}
    canonical = feed.entry_canonical(fields)
    return RevocationEntry(
        seq=seq,
        repository=fields["repository"],
        revision=fields["revision"],
        sha256=fields.get("sha256", ""),
        severity=fields["severity"],
        reason=fields["reason"],
        statement_url=fields["statement_url"],
        revoked_at=datetime.strptime(fields["revoked_at"], feed.TIME_FORMAT).replace(tzinfo=UTC),
        lifted_at=at if lifting else None,
        lifts_id=seq - 1 if lifting else None,
        canonical=canonical.decode(),
        signature=feed.entry_sign(canonical, key),
        key_id=key.key_id,
    )


# --- (a) the snapshot ------------------------------------------------------------------------------


def snapshot_pages() -> list[bytes]:
    """Every page of the snapshot up to seq SNAPSHOT, as the API serves them."""
    from django.conf import settings

    from revocations.selectors import revocations_page

    size = settings.REVOCATION_PAGE_SIZE
    return [revocations_page(after=after).body for after in range(0, SNAPSHOT, size)]


def floor_dump() -> bytes:
    """The same rows read with psycopg and dumped as JSON: the least a server could do."""
    with psycopg.connect(DATABASE_URL) as conn:
        cursor = conn.execute(FLOOR_SQL, [SNAPSHOT])
        names = [column.name for column in cursor.description or []]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return json.dumps(rows, default=str).encode()


def bench_snapshot(rows: list[Row]) -> list[bytes]:
    from django.conf import settings
    from django.db import connection

    connection.ensure_connection()  # both sides start with an open connection; theirs opens its own
    snapshot_pages()  # warm both: the first read brings the table into the cache
    floor_dump()
    ours_times, floor_times = [], []
    pages: list[bytes] = []
    dumped = b""
    for _ in range(ROUNDS):
        started = time.perf_counter()
        pages = snapshot_pages()
        ours_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        dumped = floor_dump()
        floor_times.append(time.perf_counter() - started)
    ours, floor = statistics.median(ours_times), statistics.median(floor_times)
    served = sum(len(page) for page in pages)
    first = json.loads(pages[0])
    complete = len(pages) * settings.REVOCATION_PAGE_SIZE == SNAPSHOT and first["entries"][0]["seq"] == 1
    by_round = ", ".join(f"{o / f:.2f}" for o, f in zip(ours_times, floor_times, strict=True))
    rows.append(
        Row(
            f"22. feed snapshot, {SNAPSHOT:,} entries, built and signed",
            ours * 1000,
            floor * 1000,
            "ms",
            f"<= {GOAL_SNAPSHOT:g}x psycopg read + json.dumps",
            complete and ours <= GOAL_SNAPSHOT * floor,
            [
                f"{ROUNDS} rounds in turn, ratio by round {by_round}; {len(pages)} pages of "
                f"{settings.REVOCATION_PAGE_SIZE}, {served / 1e6:.1f} MB signed and served as stored; "
                f"the floor's JSON {len(dumped) / 1e6:.1f} MB",
            ],
        )
    )
    return pages


# --- (b) the verifier's look-ups ------------------------------------------------------------------


def bench_lookups(rows: list[Row], pages: list[bytes]) -> None:
    import tempfile

    from revocation_verifier import Store
    from revocation_verifier.format import page_check, pinned
    from revocations.keys import signing_key

    keys = pinned([signing_key().public_b64])
    store = Store.open(Path(tempfile.mkdtemp(prefix="hubmod-bench-feed-")) / "copy.json")
    started = time.perf_counter()
    for page in pages:
        checked = page_check(page, keys=keys, after=store.last_seq)
        store.extend(checked["entries"], key_id=checked["key_id"])
    verified = time.perf_counter() - started
    store.save()
    started = time.perf_counter()
    reopened = Store.open(store.path)
    opened = time.perf_counter() - started

    files, revisions = [], []
    for entry in reopened.entries:
        if "sha256" in entry:
            files.append(entry["sha256"])
        elif "revision" in entry:
            revisions.append((entry["repository"], entry["revision"]))
    half = LOOKUPS // 2
    # A third of each kind misses: a digest, or a revision, the feed never named.
    file_keys = [files[i % len(files)] if i % 3 else hashlib.sha256(b"miss%d" % i).hexdigest() for i in range(half)]
    revision_keys = [revisions[i % len(revisions)] if i % 3 else ("nobody/none", f"{i:040x}") for i in range(half)]
    # The floor's dicts hold the same answers under the same keys.
    plain_files = {k: reopened.revoked(sha256=k) for k in files}
    plain_revisions = {k: reopened.revoked(repository=k[0], revision=k[1]) for k in revisions}

    def ours() -> float:
        file, repository_at = reopened.revoked_file, reopened.revoked_repository
        started = time.perf_counter()
        for sha256 in file_keys:
            file(sha256)
        for repository, revision in revision_keys:
            repository_at(repository, revision)
        return time.perf_counter() - started

    def ours_keywords() -> float:
        revoked = reopened.revoked
        started = time.perf_counter()
        for sha256 in file_keys:
            revoked(sha256=sha256)
        for repository, revision in revision_keys:
            revoked(repository=repository, revision=revision)
        return time.perf_counter() - started

    def floor() -> float:
        # The same inputs as ours: a digest, or a repository and a revision (made one key here too).
        get_file, get_revision = plain_files.get, plain_revisions.get
        started = time.perf_counter()
        for sha256 in file_keys:
            get_file(sha256)
        for repository, revision in revision_keys:
            get_revision((repository, revision))
        return time.perf_counter() - started

    hits = sum(reopened.revoked(sha256=k) is not None for k in file_keys[:3000])
    ours_times, keyword_times, floor_times = [], [], []
    for _ in range(ROUNDS):
        ours_times.append(ours())
        keyword_times.append(ours_keywords())
        floor_times.append(floor())
    ours_rate, floor_rate = LOOKUPS / statistics.median(ours_times), LOOKUPS / statistics.median(floor_times)
    keyword_rate = LOOKUPS / statistics.median(keyword_times)
    rows.append(
        Row(
            f"22. verifier look-ups, {LOOKUPS:,} from its local copy",
            ours_rate / 1e6,
            floor_rate / 1e6,
            "M/s",
            f">= {GOAL_LOOKUPS:g}x a dict look-up",
            ours_rate >= GOAL_LOOKUPS * floor_rate,
            [
                "revoked_file(sha256), revoked_repository(repository, revision); "
                f"{ROUNDS} rounds in turn; {1e9 / ours_rate:.0f} ns a look-up against {1e9 / floor_rate:.0f} ns; "
                f"{hits} hits in the first 3,000 by sha256 (two in three should be)",
            ],
        )
    )
    rows.append(
        Row(
            "22. verifier look-ups with keywords, revoked(...)",
            keyword_rate / 1e6,
            floor_rate / 1e6,
            "M/s",
            "(context)",
            True,
            [f"revoked(sha256=...), revoked(repository=..., revision=...): {1e9 / keyword_rate:.0f} ns a look-up"],
            info=True,
        )
    )
    rows.append(
        Row(
            f"22. verifier: snapshot of {len(reopened.entries):,} verified",
            verified,
            None,
            "s",
            "(context)",
            True,
            [f"every page's bytes and signature and every entry's; the local copy reopened in {opened:.2f} s"],
            info=True,
        )
    )
