"""`make bench BENCH=scan`: artifact scanning against floors measured in the same run (issue 20).

- Small files scanned per second. The hub syncs repositories of ten small files each through the
  real API (`PUT /api/v1/hub/repositories/{owner}/{name}`, every file with a url on a file server
  of the bench's own on 127.0.0.1, the one host the bench settings let the worker fetch from). The
  sync asks for a scan of each new content; the bench's Celery worker fetches it, analyses it and
  records the verdict. Timed from the first sync to the last verdict recorded. Floor: the
  enforcement row's, a no-op Celery task drained by the same worker, as many tasks as files, the
  two taking turns.
- A 2 GB PyTorch checkpoint, built once per run and removed after. `analyse()` in this process,
  as the worker runs it, against reading the same bytes from disk in 1 MiB chunks, both with the
  file out of the page cache. The sha256 of the whole file, which the fetch computes while it
  downloads, is printed beside them for context.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from itertools import count
from pathlib import Path

import httpx
import redis

from devtools.hub_files import HubFiles
from tests.bench.run import BASE, REDIS_URL, ROUNDS, Row, _children_of, in_turns, say, wait_until
from tests.bench.scan_corpus import CHUNK, SmallFile, checkpoint_write, llama_shapes, repository_files

OWNER = "bench-scan"
FILES_PER_REPOSITORY = 10
DANGEROUS_EVERY = 10  # one repository in ten carries a checkpoint that runs a shell command
# Why these goals, and what the figures were when they were set: docs/performance.md, "Artifact scanning".
GOAL_SCANNED = 0.1  # of the no-op floor's rate
GOAL_CHECKPOINT = 0.25  # of the disk read's time
GOAL_CHECKPOINT_READ = 0.01  # of the file's bytes, read by analyse()


def bench_scan(rows: list[Row], *, files: int = 2000) -> None:
    bench_small_files(rows, files=files)
    bench_checkpoint(rows)


# --- small files scanned per second -----------------------------------------------------------------


class Broker:
    """The bench's Redis broker, read to start each measurement with no work left from the last: a
    scan's follow-ups (the hub's webhook, whatever a report queues) must not be timed as the floor's."""

    def __init__(self, queues: list[str]):
        self.redis = redis.Redis.from_url(REDIS_URL)
        self.queues = queues

    def idle(self) -> bool:
        # kombu's Redis transport keeps a queue as a list under its name, and what a worker took
        # but has not acknowledged yet in the "unacked" hash.
        return not any(self.redis.llen(queue) for queue in self.queues) and not self.redis.hlen("unacked")

    def settle(self) -> None:
        wait_until(self.idle, timeout=120, what="the worker's queues emptying")


def noop_drain(broker: Broker, tasks: int) -> float:
    """Seconds for the worker to run `tasks` no-op tasks sent from here: the floor of the enforcement
    row (run.py), the same task, queue and counter."""
    from django.conf import settings

    from hubmod.celery import app

    broker.redis.delete("bench:noop")
    started = time.monotonic()
    for _ in range(tasks):
        app.send_task("bench.noop", queue=settings.CELERY_TASK_DEFAULT_QUEUE)
    wait_until(lambda: int(broker.redis.get("bench:noop") or 0) >= tasks, timeout=120, what="no-op drain")
    return time.monotonic() - started


def worker_cpu_seconds() -> float:
    """CPU time the bench's Celery worker (its main process and its pool) has used so far. Other work
    on the machine stretches a round's seconds, and this much less: it tells our cost from a busy machine."""
    workers = [pid for pid in _children_of(os.getpid()) if b"celery" in _read(f"/proc/{pid}/cmdline")]
    ticks = 0
    for pid in workers + [child for worker in workers for child in _children_of(worker)]:
        fields = _read(f"/proc/{pid}/stat").rsplit(b")", 1)[-1].split()
        if len(fields) > 12:
            ticks += int(fields[11]) + int(fields[12])  # utime and stime, fields 14 and 15 of proc(5)
    return ticks / os.sysconf("SC_CLK_TCK")


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError:
        return b""  # a process that ended meanwhile


def hub_key() -> str:
    from hub.models import HubKey

    HubKey.objects.filter(name=OWNER).delete()  # one per run, not one more each run
    _, key = HubKey.objects.create_key(name=OWNER)
    return key


class SmallFiles:
    """Rounds of the floor and of ours, each on work of its own: a round of ours syncs new
    repositories and waits for every one of their files' verdicts."""

    def __init__(self, client: httpx.Client, server: HubFiles, broker: Broker, *, repositories: int):
        self.client, self.server, self.broker = client, server, broker
        self.repositories = repositories
        self.files = repositories * FILES_PER_REPOSITORY  # per round, for ours and the floor alike
        self.run = f"s{int(time.time())}"
        self.rounds = count()
        self.cpu: Counter[str] = Counter()  # the worker's CPU seconds in the timed spans, by side
        self.sync_seconds: list[float] = []
        self.verdicts: Counter[str] = Counter()
        self.unexpected = 0  # files whose verdict is not the one their bytes call for
        self.reports = 0

    def noop_round(self) -> float:
        self.broker.settle()
        before = worker_cpu_seconds()
        elapsed = noop_drain(self.broker, self.files)
        self.cpu["noop"] += worker_cpu_seconds() - before
        return elapsed

    def scan_round(self) -> float:
        from reports.models import Report
        from scanning.models import FileScan, Verdict

        number = next(self.rounds)
        names = [f"{self.run}-{number}-{n}" for n in range(self.repositories)]
        synced = {name: repository_files(name, dangerous=n % DANGEROUS_EVERY == 0) for n, name in enumerate(names)}
        bodies = {name: self._body(name, files) for name, files in synced.items()}
        digests = {hashlib.sha256(f.data).hexdigest(): f.verdicts for files in synced.values() for f in files}
        reports_before = Report.objects.filter(source=Report.Source.AUTOMATED).count()
        self.broker.settle()

        before = worker_cpu_seconds()
        started = time.monotonic()
        for name, body in bodies.items():
            response = self.client.put(f"/api/v1/hub/repositories/{OWNER}/{name}", json=body)
            if response.status_code != 201:
                raise RuntimeError(f"sync of {OWNER}/{name}: {response.status_code} {response.text[:300]}")
        self.sync_seconds.append(time.monotonic() - started)
        scans = FileScan.objects.filter(sha256__in=list(digests))
        ids = sorted(scans.values_list("pk", flat=True))
        if len(ids) != len(digests):
            raise RuntimeError(f"the syncs asked for {len(ids)} scans of {len(digests)} new files")
        # By primary-key range: the round's rows are the only ones made since it began.
        pending = FileScan.objects.filter(pk__gte=ids[0], pk__lte=ids[-1], verdict=Verdict.PENDING)
        # Five files a second at the least: slower, a queue no worker consumes is the likelier cause.
        wait_until(lambda: not pending.exists(), timeout=max(120, self.files / 5), what="every verdict", interval=0.05)
        elapsed = time.monotonic() - started
        self.cpu["scan"] += worker_cpu_seconds() - before

        recorded = dict(scans.values_list("sha256", "verdict"))
        self.verdicts.update(recorded.values())
        self.unexpected += sum(recorded[digest] not in accepted for digest, accepted in digests.items())
        self.reports += Report.objects.filter(source=Report.Source.AUTOMATED).count() - reports_before
        return elapsed

    def _body(self, name: str, files: list[SmallFile]) -> dict:
        listed = [
            {
                "path": f.path,
                "sha256": hashlib.sha256(f.data).hexdigest(),
                "size": len(f.data),
                "url": self.server.serve(f"/{OWNER}/{name}/{f.path}", f.data),
            }
            for f in files
        ]
        return {"kind": "model", "revision": hashlib.sha256(name.encode()).hexdigest(), "files": listed}


def bench_small_files(rows: list[Row], *, files: int) -> None:
    from django.conf import settings

    queues = [settings.CELERY_TASK_DEFAULT_QUEUE]
    scan_queue = getattr(settings, "SCAN_QUEUE", None)
    if scan_queue:
        queues.append(scan_queue)
    broker = Broker(queues)
    server = HubFiles(port=settings.BENCH_SCAN_FILES_PORT)
    try:
        headers = {"Authorization": f"Bearer {hub_key()}"}
        with httpx.Client(base_url=BASE, headers=headers, timeout=60) as client:
            bench = SmallFiles(
                client, server, broker, repositories=max(1, round(files / FILES_PER_REPOSITORY / ROUNDS))
            )
            bench.noop_round()  # a worker's first tasks are slower than the rest: not a round
            bench.cpu.clear()
            noops, scans = in_turns(bench.noop_round, bench.scan_round)
    finally:
        server.stop()
    total = bench.files * ROUNDS
    floor_rate, rate = total / sum(noops), total / sum(scans)
    by_round = ", ".join(f"{noop / scan:.2f}" for noop, scan in zip(noops, scans, strict=True))
    right = not bench.unexpected
    notes = [
        f"{total:,} files in {bench.repositories * ROUNDS} repositories, {ROUNDS} rounds in turn, ratio by round "
        f"{by_round}; the syncs took {sum(bench.sync_seconds):.1f} s of {sum(scans):.1f} s",
        f"worker CPU a file {bench.cpu['scan'] / total * 1000:.1f} ms, a no-op {bench.cpu['noop'] / total * 1000:.1f} ms",
        "verdicts " + ", ".join(f"{n:,} {verdict}" for verdict, n in sorted(bench.verdicts.items())),
        f"{bench.reports} automated reports filed",
    ]
    if not right:
        notes.append(f"WRONG VERDICTS on {bench.unexpected:,} files")
    rows.append(
        Row("scan: small files scanned/s", rate, floor_rate, "files/s", f">= {GOAL_SCANNED}x no-op floor",
            right and rate >= GOAL_SCANNED * floor_rate, notes)
    )  # fmt: skip


# --- a 2 GB checkpoint: analyse() against reading it -------------------------------------------------


def bench_checkpoint(rows: list[Row]) -> None:
    folder = Path(tempfile.mkdtemp(prefix="hubmod-bench-checkpoint-"))
    try:
        path = folder / "pytorch_model.bin"
        started = time.monotonic()
        shapes = llama_shapes()
        tensor_bytes = checkpoint_write(path, shapes)
        size = path.stat().st_size
        say(f"scan: {size / 1e9:.2f} GB checkpoint built in {time.monotonic() - started:.1f} s")
        evicted: list[bool] = []

        def cold(measure: Callable[[Path], float]) -> Callable[[], float]:
            def measured() -> float:
                evicted.append(page_cache_evict(path))
                return measure(path)

            return measured

        reads, analyses = in_turns(cold(read_seconds), cold(analyse_seconds))
        read_seconds(path)  # the whole file into the page cache, as the worker has it after a download
        warm_reads, warm_analyses = in_turns(lambda: read_seconds(path), lambda: analyse_seconds(path))
        hashed = sha256_seconds(path)
        analysed_bytes = analyse_read_bytes(path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    read, analysed = sum(reads) / ROUNDS, sum(analyses) / ROUNDS
    was_cold = all(evicted)
    cache = "out of the page cache (fincore)" if was_cold else "NOT SHOWN OUT OF THE PAGE CACHE"
    by_round = ", ".join(f"{a / r:.3f}" for a, r in zip(analyses, reads, strict=True))
    rows.append(
        Row("scan: 2 GB checkpoint, scan vs disk read", analysed, read, "s",
            f"<= {GOAL_CHECKPOINT}x; reads < {GOAL_CHECKPOINT_READ:.0%} of it",
            analysed <= GOAL_CHECKPOINT * read and analysed_bytes < GOAL_CHECKPOINT_READ * size,
            [f"{size:,} bytes, {len(shapes)} float16 tensors ({tensor_bytes:,} bytes), file {cache}",
             f"mean of {ROUNDS} rounds in turn, ratio by round {by_round}; disk read {size / read / 1e9:.2f} GB/s",
             f"analyse read {analysed_bytes / 1e6:.1f} MB of the file: the zip's directory, each member's "
             "header and first bytes, and data.pkl, the one member a loader unpickles",
             f"page cache warm: analyse {sum(warm_analyses) / ROUNDS:.3f} s, read {sum(warm_reads) / ROUNDS:.3f} s"])
    )  # fmt: skip
    rows.append(
        Row("scan: 2 GB checkpoint, sha256 vs disk read", hashed, read, "s", "(context)", True,
            [f"the digest the fetch computes while downloading, {size / hashed / 1e9:.2f} GB/s (page cache warm)"],
            info=True)
    )  # fmt: skip


def read_seconds(path: Path) -> float:
    buffer = memoryview(bytearray(CHUNK))
    started = time.perf_counter()
    with open(path, "rb", buffering=0) as file:
        while file.readinto(buffer):
            pass
    return time.perf_counter() - started


def sha256_seconds(path: Path) -> float:
    """As scanning/fetch.py hashes a download: 1 MiB at a time."""
    buffer = memoryview(bytearray(CHUNK))
    digest = hashlib.sha256()
    started = time.perf_counter()
    with open(path, "rb", buffering=0) as file:
        while read := file.readinto(buffer):
            digest.update(buffer[:read])
    return time.perf_counter() - started


def analyse_seconds(path: Path) -> float:
    from scanning.analysis import analyse, verdict_worst

    started = time.perf_counter()
    results = analyse(path)
    elapsed = time.perf_counter() - started
    # A checkpoint the analysers could not open would be fast for the wrong reason.
    names = {result.name for result in results}
    if verdict_worst([result.verdict for result in results]) != "clean" or not {"picklescan", "fickling"} <= names:
        raise RuntimeError(f"analyse() did not find the checkpoint clean: {[r.as_dict() for r in results]}")
    return elapsed


def analyse_read_bytes(path: Path) -> int:
    """Bytes analyse() asks the kernel for (rchar of /proc/self/io): what it reads of the file."""
    from scanning.analysis import analyse

    before = _rchar()
    analyse(path)
    return _rchar() - before


def _rchar() -> int:
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    raise RuntimeError("no rchar in /proc/self/io")


def page_cache_evict(path: Path) -> bool:
    """Take the file's pages out of the page cache, so the next read comes from the disk; True when
    none is left. posix_fadvise drops this file's pages only; drop_caches (root) is the fallback."""
    with open(path, "rb") as file:
        os.fsync(file.fileno())  # dirty pages stay in the cache until written
        os.posix_fadvise(file.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
    if _resident_bytes(path) == 0:
        return True
    try:
        Path("/proc/sys/vm/drop_caches").write_text("1\n")
    except OSError:
        return False
    return _resident_bytes(path) == 0


def _resident_bytes(path: Path) -> int | None:
    """The file's bytes in the page cache, by util-linux's fincore; None when it cannot tell."""
    try:
        answer = subprocess.run(
            ["fincore", "--bytes", "--noheadings", "--output", "RES", str(path)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None
    return int(answer.stdout.strip())
