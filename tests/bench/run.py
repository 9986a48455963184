"""`make bench`: hubmod's speed as ratios against floors measured in the same run, on the same machine.

Production shape: PostgreSQL, Redis, gunicorn (the Dockerfile's 4 sync workers) and a Celery
worker (prefork, concurrency 2), with wrk on loopback as the load generator. It builds its data
set once (`generate_load_data --if-empty` in the database `hubmod_bench`), then runs each
benchmark and prints one table: figure, ours, floor, ratio, goal. The figures also land in
`test-artifacts/bench.json`.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
DURATION = os.environ.get("BENCH_DURATION", "15s")
CONNECTIONS = 16
ARTIFACTS = ROOT / "test-artifacts"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hubmod_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
WEBHOOK_SECRET = "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk="

ENV = {
    **os.environ,
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "REDIS_CACHE_URL": REDIS_URL.rsplit("/", 1)[0] + "/12",
    "BENCH_COUNTER_URL": REDIS_URL,
    "DJANGO_SETTINGS_MODULE": "tests.bench.settings",
    "CELERY_QUEUE": "bench",
    "CONN_MAX_AGE": "600",
    "HUB_WEBHOOK_SECRET": WEBHOOK_SECRET,
    "DEBUG": "false",
    "LOG_FORMAT": "json",  # as in production; the servers' logs go to files
}


@dataclass
class Row:
    figure: str
    ours: float
    floor: float | None
    unit: str
    goal: str
    met: bool
    notes: list[str] = field(default_factory=list)
    info: bool = False  # shown for context; no goal of the issue rests on it

    @property
    def ratio(self) -> str:
        return f"{self.ours / self.floor:.2f}x" if self.floor else "-"


ROWS: list[Row] = []


def say(message: str) -> None:
    print(f"bench: {message}", flush=True)


def manage(*args: str, env: dict | None = None) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env or ENV, check=True)


def database_prepare() -> None:
    name = DATABASE_URL.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    manage("migrate", "--no-input", "-v0")
    manage("seed")
    started = time.monotonic()
    manage("generate_load_data", "--if-empty", "--seed", "1", "--scale", os.environ.get("BENCH_SCALE", "1"))
    manage("transparency_rollup")  # days a data set made before the rollups existed, or since the last run
    say(f"data set ready in {time.monotonic() - started:.0f} s")


def django_setup() -> None:
    os.environ.update(ENV)
    os.environ["LOG_LEVEL"] = "WARNING"  # the harness's own requests are not worth a line each
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


class Processes:
    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.running: list[subprocess.Popen] = []

    def start(self, name: str, command: list[str], env: dict) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.running.append(process)
        return process

    def stop(self, process: subprocess.Popen) -> None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        self.running.remove(process)

    def stop_all(self) -> None:
        for process in list(self.running):
            self.stop(process)


def stack_start(processes: Processes, env: dict) -> tuple[subprocess.Popen, subprocess.Popen]:
    """gunicorn (the Dockerfile's 4 sync workers) and a Celery worker (prefork, 2), answering."""
    web = processes.start(
        "gunicorn",
        [PYTHON, "-m", "gunicorn", "hubmod.wsgi:application", "--bind", f"127.0.0.1:{PORT}", "--workers", "4"],
        env,
    )
    worker_command = [
        "-m",
        "celery",
        "-A",
        "tests.bench.celery_app",
        "worker",
        "-Q",
        worker_queues(),
        "-c",
        "2",
        "-l",
        "warning",
    ]
    worker = processes.start("worker", [PYTHON, *worker_command], env)
    wait_until(web_up, timeout=60, what="gunicorn answering")
    return web, worker


def worker_queues() -> str:
    """The default queue and scanning's own (settings.SCAN_QUEUE, or the env's, where there is one)."""
    from django.conf import settings

    scan_queue = getattr(settings, "SCAN_QUEUE", None) or os.environ.get("SCAN_QUEUE")
    return ",".join(dict.fromkeys(queue for queue in (settings.CELERY_TASK_DEFAULT_QUEUE, scan_queue) if queue))


def wait_until(predicate, *, timeout: float, what: str, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise TimeoutError(f"{what} did not happen within {timeout:g} s")


def web_up() -> bool:
    try:
        return httpx.get(f"{BASE}/api/v1/report-categories", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


# --- wrk ------------------------------------------------------------------------------------------

LUA_DONE = """
done = function(summary, latency, requests)
  local non2xx = summary.errors.status
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    "BENCH {\\"requests\\": %d, \\"seconds\\": %.3f, \\"p50\\": %.3f, \\"p95\\": %.3f, \\"p99\\": %.3f, " ..
    "\\"non2xx\\": %d, \\"errors\\": %d}\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, non2xx, errors))
end
"""


@dataclass
class WrkResult:
    requests: int
    seconds: float
    p50: float
    p95: float
    p99: float
    non2xx: int
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def wrk(lua: str, path: str = "/", duration: str = DURATION, connections: int = CONNECTIONS) -> WrkResult:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua + LUA_DONE)
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}", "--timeout", "10s", "-s", script.name, BASE + path]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    return WrkResult(**json.loads(line.removeprefix("BENCH ")))


def lua_post(
    body_lua: str,
    *,
    headers: dict[str, str],
    setup_lua: str = "",
    stop_after: int | None = None,
    pause_ms: float | None = None,
) -> str:
    header_lua = ", ".join(f'["{k}"] = "{v}"' for k, v in headers.items())
    # A pause between a connection's answer and its next request: a steady offered rate.
    extra = f"delay = function() return {pause_ms:.1f} end\n" if pause_ms else ""
    if stop_after is not None:
        extra += f"""
response = function(status, headers, body)
  responses = responses + 1
  if responses >= {stop_after} then wrk.thread:stop() end
end
"""
    return f"""
{setup_lua}
local thread_count = 0
setup = function(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
end
init = function(args)
  n = 0
  responses = 0
end
request = function()
  n = n + 1
  local body = {body_lua}
  return wrk.format("POST", nil, {{{header_lua}}}, body)
end
{extra}
"""


def lua_get(*, headers: dict[str, str]) -> str:
    header_lua = "\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items())
    return header_lua + "\n"


# --- the benchmarks -------------------------------------------------------------------------------

JSON = {"Content-Type": "application/json"}


ROUNDS = 3  # floor and ours take turns, so a burst of other work on the machine hits both alike


def in_turns(*runs) -> list:
    """Each run ROUNDS times, taking turns; returns what each gave, in the order given."""
    results = [[] for _ in runs]
    for _ in range(ROUNDS):
        for done, run in zip(results, runs, strict=True):
            done.append(run())
    return results


def combined(results: list[WrkResult]) -> WrkResult:
    """The rounds of one side as one result: all requests over all seconds; median latencies."""
    return WrkResult(
        requests=sum(r.requests for r in results),
        seconds=sum(r.seconds for r in results),
        p50=statistics.median(r.p50 for r in results),
        p95=statistics.median(r.p95 for r in results),
        p99=statistics.median(r.p99 for r in results),
        non2xx=sum(r.non2xx for r in results),
        errors=sum(r.errors for r in results),
    )


def spread_reports(subjects: list[str], label: str, pause_ms: float | None = None, *, receipts_every: int = 0) -> str:
    """wrk's script for spam reports spread over the subjects, each one's text numbered; with
    `receipts_every`, every so many name their reporter, who is sent a receipt."""
    subject = "subjects[((tid * 7919 + n) % #subjects) + 1]"
    opening = '\'{"subject": {"type": "repository", "id": "%s"}, "category": "spam", '
    details = f'"details": {{"explanation": "{label} report %d-%d: the same promotional text on every page."}}'
    body = f"string.format({opening}{details}}}', {subject}, tid, n)"
    if receipts_every:
        reporter = f'"reporter": {{"name": "{label}", "email": "{label.lower()}-%d-%d@example.org"}}'
        named = f"string.format({opening}{details}, {reporter}}}', {subject}, tid, n, tid, n)"
        body = f"(n % {receipts_every} == 0) and {named} or {body}"
    return lua_post(
        body,
        headers=JSON,
        setup_lua="local subjects = {" + ",".join(f'"{s}"' for s in subjects) + "}",
        pause_ms=pause_ms,
    )


def bench_intake(subjects: list[str]) -> WrkResult:
    round_duration = f"{max(1, int(DURATION.rstrip('s')) // ROUNDS)}s"
    floor_lua = lua_post(
        'string.format(\'{"subject": "s%d-%d", "category": "spam", "explanation": "bench %d", '
        '"email": "bench@example.org", "revision": "abcdef0"}\', tid, n, n)',
        headers=JSON,
    )
    ours_lua = spread_reports(subjects, "Bench")
    floors, raw_floors, ourses = in_turns(
        lambda: wrk(floor_lua, "/bench/floor", duration=round_duration),
        lambda: wrk(floor_lua, "/bench/floor-raw", duration=round_duration),
        lambda: wrk(ours_lua, "/api/v1/reports", duration=round_duration),
    )
    ours, floor, raw_floor = combined(ourses), combined(floors), combined(raw_floors)

    def by_round(runs: list[WrkResult]) -> str:
        return ", ".join(f"{o.rate / f.rate:.2f}" for o, f in zip(ourses, runs, strict=True))

    ROWS.append(
        Row("1. intake req/s", ours.rate, floor.rate, "req/s", ">= 0.6x floor", ours.rate / floor.rate >= 0.6,
            [f"{ROUNDS} rounds in turn, ratio by round {by_round(floors)}", *_errors(ours)])
    )  # fmt: skip
    ROWS.append(
        Row("1. intake req/s against a raw INSERT", ours.rate, raw_floor.rate, "req/s", "(context)", True,
            [f"ratio by round {by_round(raw_floors)}"], info=True)
    )  # fmt: skip
    hello = wrk("", "/bench/hello", duration=round_duration)
    ROWS.append(
        Row("1. bare Django JSON view, no database", hello.rate, None, "req/s", "(context)", True,
            ["the HTTP stack's ceiling on this machine"], info=True)
    )  # fmt: skip
    # Saturated, 16 closed-loop connections wait in line: latency is then connections / rate,
    # whatever a request costs. The latency goal is read at a steady half of the measured maximum.
    ROWS.append(Row("1. intake p99, saturated (16 conn.)", ours.p99, floor.p99, "ms", "(context)", True, info=True))
    steady_rate = ours.rate / 2
    steady = wrk(spread_reports(subjects, "Steady", pause_ms=CONNECTIONS / steady_rate * 1000), "/api/v1/reports")
    ROWS.append(
        Row(
            "1. intake p99, 16 conn. at half the max rate",
            steady.p99,
            None,
            "ms",
            "< 50 ms",
            steady.p99 < 50 and not steady.non2xx and not steady.errors,
            [f"{steady.rate:.0f} req/s offered and answered", *_errors(steady)],
        )
    )
    return ours


def bench_brigading(spread: WrkResult, subject: str, total: int = 10_000) -> None:
    per_thread = total // 2
    ours = wrk(
        lua_post(
            'string.format(\'{"subject": {"type": "repository", "id": "%s"}, "category": "spam", '
            '"details": {"explanation": "Brigade %d-%d: everyone says this model is spam."}}\', '
            f'"{subject}", tid, n)',
            headers=JSON,
            stop_after=per_thread,
        ),
        "/api/v1/reports",
        duration="120s",
    )
    from moderation.models import Case

    cases = Case.objects.filter(repository__full_name=subject, category="spam").count()
    from reports.models import Report

    filed = Report.objects.filter(subject_ref=subject).count()
    ROWS.append(
        Row(
            "2. brigading p99 (10,000 on one subject)",
            ours.p99,
            spread.p99,
            "ms",
            "<= 2x spread p99; 1 case",
            ours.p99 <= 2 * spread.p99 and cases == 1,
            [f"{filed} reports filed, {cases} case(s)", *_errors(ours)],
        )
    )


def _errors(result: WrkResult) -> list[str]:
    notes = []
    if result.non2xx:
        notes.append(f"{result.non2xx} non-2xx")
    if result.errors:
        notes.append(f"{result.errors} socket errors")
    return notes


def bench_queue(token: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    cursor = None
    with httpx.Client(base_url=BASE, headers=headers, timeout=30) as client:
        for _ in range(200):
            page = client.get("/api/v1/cases", params={"cursor": cursor} if cursor else {}).json()
            cursor = page["next"]
    # Two moderators paging back to back (one connection per wrk thread): what a moderator waits.
    first = wrk(lua_get(headers=headers), "/api/v1/cases", duration="10s", connections=2)
    deep = wrk(lua_get(headers=headers), f"/api/v1/cases?cursor={cursor}", duration="10s", connections=2)
    # Saturated with 16 connections the figure is a queue's length, not a page's cost: throughput.
    busy = wrk(lua_get(headers=headers), f"/api/v1/cases?cursor={cursor}", duration="10s")
    floor_first, floor_deep = queue_sql_floor(cursor)
    offsets = queue_sql_has_offset(cursor)
    ROWS.append(
        Row("3. queue first page p95 (2 conn.)", first.p95, floor_first, "ms", "< 20 ms", first.p95 < 20,
            _errors(first))
    )  # fmt: skip
    ROWS.append(
        Row(
            "3. queue page 200 deep p95 (2 conn.)",
            deep.p95,
            floor_deep,
            "ms",
            "< 20 ms; no OFFSET",
            deep.p95 < 20 and not offsets,
            [*(["OFFSET in the queue SQL"] if offsets else []), *_errors(deep)],
        )
    )
    ROWS.append(
        Row("3. queue page 200 deep, 16 conn.", busy.rate, None, "pages/s", "(context)", True,
            [f"p95 {busy.p95:.0f} ms", *_errors(busy)], info=True)
    )  # fmt: skip


QUEUE_FLOOR_SQL = """
SELECT id, priority, due_at FROM moderation_case
WHERE state IN ('open', 'in_review', 'escalated', 'awaiting_approval', 'reopened') {after}
ORDER BY priority * -1, due_at, id LIMIT 51
"""


def queue_sql_floor(cursor: str) -> tuple[float, float]:
    """p95 of the bare indexed SQL for the first page and for the page the cursor points at."""
    priority, micros, pk = (int(part) for part in cursor.split("_"))
    after = "AND (priority * -1, due_at, id) > (%s, to_timestamp(%s / 1e6), %s)"
    timings = {"first": [], "deep": []}
    with psycopg.connect(DATABASE_URL) as conn:
        for _ in range(300):
            for name, sql, params in (
                ("first", QUEUE_FLOOR_SQL.format(after=""), []),
                ("deep", QUEUE_FLOOR_SQL.format(after=after), [-priority, micros, pk]),
            ):
                started = time.perf_counter()
                conn.execute(sql, params).fetchall()
                timings[name].append((time.perf_counter() - started) * 1000)
    return _p95(timings["first"]), _p95(timings["deep"])


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[94]


def queue_sql_has_offset(cursor: str) -> bool:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-moderator"))
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/cases")
        client.get("/api/v1/cases", {"cursor": cursor})
    return any(" OFFSET " in query["sql"].upper() for query in queries.captured_queries)


def bench_lineage(token: str) -> None:
    from django.utils import timezone

    from hub.models import Repository
    from hub.selectors import repository_descendants
    from moderation.models import Case, Decision

    base = "load-base/foundation"
    descendants = [r.repository_id for r in repository_descendants(Repository.objects.get(full_name=base))]
    # A run before this one left linked cases open on the descendants: close them (bench data only),
    # so every run opens the whole tree again.
    Case.objects.filter(repository_id__in=descendants, category="acceptable_use", state="open").update(
        state="resolved", resolved_at=timezone.now()
    )
    with httpx.Client(base_url=BASE, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
        filed = httpx.post(
            f"{BASE}/api/v1/reports",
            json={"subject": {"type": "repository", "id": base}, "category": "acceptable_use",
                  "details": {"policy_section": "harmful-use", "explanation": "Built to write malware."}},
        ).json()  # fmt: skip
        case_id = filed["case_id"]
        client.post(f"/api/v1/cases/{case_id}/claim")
        started = time.monotonic()
        decided = client.post(
            f"/api/v1/cases/{case_id}/decide",
            json={"actions": ["delist"], "ground": {"policy_section": "harmful-use"}, "intent": "deliberate",
                  "statement": "The model is trained to write working malware on request.",
                  "departure_reason": "Delisted while its descendants are reviewed."},
        )  # fmt: skip
    if decided.status_code != 200:
        raise RuntimeError(f"deciding the base model failed: {decided.status_code} {decided.text[:300]}")
    decision = Decision.objects.filter(pk=decided.json()["decision"]["id"], lineage_opened_at__isnull=False)
    wait_until(decision.exists, timeout=300, what="the lineage follow-up", interval=0.05)
    elapsed = time.monotonic() - started
    opened = Case.objects.filter(linked_from_id=case_id).count()
    ROWS.append(
        Row(f"4. lineage: {len(descendants):,} descendants", elapsed, None, "s", "< 5 s", elapsed < 5,
            [f"{opened:,} linked cases opened (descendants with an open case in the category keep it)"])
    )  # fmt: skip


def bench_enforcement(count: int = 2000) -> None:
    """Drain rate of `count` deliveries to a local receiver against `count` no-op tasks, in turns.

    Each action is woken as a decision's commit wakes it; the worker sends them in batches."""
    import redis

    from hubmod.celery import app
    from moderation.models import Decision, EnforcementAction
    from moderation.services.enforcement import enforcement_wake

    per_round = count // ROUNDS
    counter = redis.Redis.from_url(REDIS_URL)
    decisions = list(Decision.objects.filter(outcome="actioned").order_by("-id").values_list("pk", flat=True)[:count])
    batches = iter(decisions[n * per_round : (n + 1) * per_round] for n in range(ROUNDS))

    def noop_drain() -> float:
        counter.delete("bench:noop")
        started = time.monotonic()
        for _ in range(per_round):
            app.send_task("bench.noop", queue="bench")
        wait_until(lambda: int(counter.get("bench:noop") or 0) >= per_round, timeout=120, what="no-op drain")
        return time.monotonic() - started

    def delivery_drain() -> float:
        actions = EnforcementAction.objects.bulk_create(
            EnforcementAction(decision_id=pk, kind="label") for pk in next(batches)
        )
        started = time.monotonic()
        for _ in actions:
            enforcement_wake()  # what each decision's commit does
        # By primary-key range: a list of ids every poll cost the harness more than a delivery.
        pending = EnforcementAction.objects.filter(pk__gte=actions[0].pk, pk__lte=actions[-1].pk, state="pending")
        wait_until(lambda: not pending.exists(), timeout=300, what="enforcement drain", interval=0.2)
        return time.monotonic() - started

    noops, deliveries = in_turns(noop_drain, delivery_drain)
    floor_rate, rate = per_round * ROUNDS / sum(noops), per_round * ROUNDS / sum(deliveries)
    by_round = ", ".join(f"{noop / delivery:.2f}" for noop, delivery in zip(noops, deliveries, strict=True))
    ROWS.append(
        Row("5. enforcement actions applied/s", rate, floor_rate, "actions/s", ">= 0.5x no-op floor",
            rate >= 0.5 * floor_rate, [f"{ROUNDS} rounds in turn, ratio by round {by_round}"])
    )  # fmt: skip


def bench_transparency() -> None:
    today = date.today()
    params = {"from": (today - timedelta(days=365)).isoformat(), "to": today.isoformat()}
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        response = httpx.get(f"{BASE}/api/v1/transparency/summary", params=params, timeout=60)
        timings.append(time.perf_counter() - started)
        response.raise_for_status()
    from moderation.models import Decision

    decisions = Decision.objects.filter(created_at__date__gte=params["from"]).count()
    ROWS.append(
        Row("6. transparency summary, a year", timings[0], None, "s", "< 1 s", max(timings) < 1,
            [f"first call; median of 5 {statistics.median(timings):.3f} s; {decisions:,} decisions in range"])
    )  # fmt: skip


def _children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _memory_kib(pid: int, field: str) -> int:
    """VmRSS (now) or VmHWM (the peak) of a process, in KiB; 0 for one that has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def bench_statements(web: subprocess.Popen) -> None:
    """Statements of reasons of a year through the public paged endpoint, following `next` to the end,
    and the web workers' memory on the way: it should not grow with the number of pages."""
    today = date.today()
    url = f"{BASE}/api/v1/transparency/statements-of-reasons"
    params: dict | None = {"from": (today - timedelta(days=365)).isoformat(), "to": today.isoformat()}
    workers = _children_of(web.pid)
    statements = pages = 0
    rss_first = 0
    slowest = 0.0
    started = time.perf_counter()
    with httpx.Client(timeout=120) as client:
        while url:
            page_started = time.perf_counter()
            response = client.get(url, params=params)
            slowest = max(slowest, time.perf_counter() - page_started)
            response.raise_for_status()
            answer = response.json()
            statements += len(answer["results"])
            pages += 1
            url, params = answer["next"], None
            if pages == 1:
                rss_first = max(_memory_kib(pid, "VmRSS") for pid in workers)
    elapsed = time.perf_counter() - started
    rss_last = max(_memory_kib(pid, "VmRSS") for pid in workers)
    peak = max(_memory_kib(pid, "VmHWM") for pid in workers)
    ROWS.append(
        Row("7. statements of reasons, a year, paged", statements / elapsed, None, "statements/s", "(context)", True,
            [f"{statements:,} statements in {pages:,} pages, {elapsed:.1f} s; slowest page {slowest * 1000:.0f} ms"],
            info=True)
    )  # fmt: skip
    growth = (rss_last - rss_first) / 1024
    ROWS.append(
        Row("7. statements: web worker RSS growth, year", growth, None, "MiB", "< 32 MiB (flat)", growth < 32,
            [f"largest worker RSS after page 1 {rss_first / 1024:.0f} MiB, after page {pages:,} "
             f"{rss_last / 1024:.0f} MiB; peak {peak / 1024:.0f} MiB"])
    )  # fmt: skip


# --- the run --------------------------------------------------------------------------------------


def staff_token() -> str:
    from hubmod.staff.models import StaffToken
    from hubmod.staff.roles import MODERATOR
    from hubmod.staff.services import staff_create

    user, token = staff_create(username="bench-moderator", role_group=MODERATOR, password=None)
    StaffToken.objects.filter(user=user).exclude(prefix=token.split(".")[0]).delete()  # one per run, not many
    return token


def brigade_subject() -> str:
    from hub.services import repository_sync
    from hubmod.actors import Actor

    name = f"r{int(time.time())}"
    repository, _ = repository_sync(actor=Actor.hub("bench"), owner="load-brigaded", name=name, kind="model")
    return repository.full_name


# The tables the benchmarks write. This PostgreSQL runs without autovacuum, so the rows each run
# leaves dead would pile up from run to run (the one-row audit chain head grew to a megabyte) and
# the figures would drift with how often the bench had run; production vacuums as it goes.
HOT_TABLES = (
    "audit_auditchainhead", "audit_auditevent", "moderation_case", "moderation_enforcementaction",
    "reports_report", "hub_repository", "bench_floor", "revocations_revocationfeedhead",
    "revocations_revocationentry",
)  # fmt: skip


def vacuum() -> None:
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute(f"VACUUM (ANALYZE) {', '.join(HOT_TABLES)}")


def attempt(name: str, bench):
    """Run one benchmark; a failure is a row of the table, not the end of the run."""
    chosen = sys.argv[1:]
    if chosen and name not in chosen:
        return None
    vacuum()
    try:
        return bench()
    except Exception as exc:
        ROWS.append(Row(f"{name}: FAILED", 0, None, "-", "-", False, [f"{type(exc).__name__}: {exc}"[:300]]))
        return None


def print_table() -> None:
    header = f"{'figure':<44} {'ours':>12} {'floor':>12} {'ratio':>7}  {'goal':<26} met"
    print()
    print(header)
    print("-" * len(header))
    for row in ROWS:
        floor = f"{row.floor:,.2f}" if row.floor is not None else "-"
        met = "-" if row.info else "yes" if row.met else "NO"
        line = f"{row.figure:<44} {row.ours:>12,.2f} {floor:>12} {row.ratio:>7}  {row.goal:<26} {met}"
        print(line + (f"   ({'; '.join(row.notes)})" if row.notes else ""))
    print(f"\nunits: req/s, ms, s, actions/s as named; {CONNECTIONS} connections; wrk -t2 -d{DURATION} on loopback")


def main() -> int:
    ARTIFACTS.mkdir(exist_ok=True)
    database_prepare()
    django_setup()
    from django.db import connection

    from tests.bench.urls import FLOOR_TABLE_SQL

    with connection.cursor() as cursor:
        cursor.execute(FLOOR_TABLE_SQL)
    token = staff_token()
    from hub.models import Repository

    subjects = list(
        Repository.objects.filter(full_name__startswith="load-u")
        .order_by("id")
        .values_list("full_name", flat=True)[:5000]
    )
    brigaded = brigade_subject()
    logs = Path(tempfile.mkdtemp(prefix="hubmod-bench-"))
    processes = Processes(logs)
    try:
        from devtools.hub_receiver import HubReceiver
        from tests.bench.case_page import bench_case_page
        from tests.bench.revocations import bench_revocations
        from tests.bench.scan import bench_scan  # here, not at the top: they import this module's helpers

        sink = HubReceiver(secret=WEBHOOK_SECRET).start()  # takes the decisions' webhooks during the web runs
        web_env = {**ENV, "HUB_WEBHOOK_URL": sink.url}
        web, _ = stack_start(processes, web_env)
        say(f"gunicorn and worker up (logs in {logs}); running the benchmarks")
        spread = attempt("intake", lambda: bench_intake(subjects))
        attempt("brigading", lambda: bench_brigading(spread, brigaded) if spread else None)
        attempt("queue", lambda: bench_queue(token))
        attempt("lineage", lambda: bench_lineage(token))
        attempt("enforcement", bench_enforcement)
        attempt("transparency", bench_transparency)
        attempt("statements", lambda: bench_statements(web))
        attempt("scan", lambda: bench_scan(ROWS))
        attempt("case_page", lambda: bench_case_page(ROWS))
        attempt("revocations", lambda: bench_revocations(ROWS))
        sink.stop()
    finally:
        processes.stop_all()
    print_table()
    (ARTIFACTS / "bench.json").write_text(
        json.dumps([{**row.__dict__, "ratio": row.ratio} for row in ROWS], indent=2, default=str)
    )
    return 0 if all(row.met for row in ROWS if not row.info) else 1


if __name__ == "__main__":
    sys.exit(main())
