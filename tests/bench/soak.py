"""`make soak`: steady intake at half the measured maximum for ten minutes, on the benchmark's stack.

It passes with zero errors and flat memory: every gunicorn worker's and the Celery worker's resident
memory at the end within SOAK_GROWTH_LIMIT of what it was once warm (after the first minute). One in
ten reports names a reporter, so the worker sends receipts all along. Loopback only, bounded in
time (SOAK_DURATION, 600 s); the figures print as a table and land in test-artifacts/soak.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tests.bench.run import (
    ARTIFACTS,
    CONNECTIONS,
    ENV,
    WEBHOOK_SECRET,
    Processes,
    database_prepare,
    django_setup,
    say,
    spread_reports,
    stack_start,
    vacuum,
    wrk,
)

DURATION = int(os.environ.get("SOAK_DURATION", "600"))
WARM_SECONDS = min(60, DURATION // 5)
GROWTH_LIMIT = float(os.environ.get("SOAK_GROWTH_LIMIT", "0.10"))


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in found]


class MemoryWatch(threading.Thread):
    """Resident memory of each process of a group, every few seconds, until stopped."""

    def __init__(self, groups: dict[str, list[int]], every: float = 5.0):
        super().__init__(daemon=True)
        self.groups, self.every = groups, every
        self.samples: list[tuple[float, dict[str, int]]] = []  # (seconds in, {process: KiB})
        self._stop_event = threading.Event()
        self._began = time.monotonic()

    def run(self) -> None:
        while not self._stop_event.is_set():
            sample = {f"{group} {pid}": _rss_kib(pid) for group, pids in self.groups.items() for pid in pids}
            self.samples.append((time.monotonic() - self._began, sample))
            self._stop_event.wait(self.every)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()

    def growth(self) -> dict[str, tuple[int, int]]:
        """Each process: (KiB once warm, KiB at the end)."""
        warm = next(sample for seconds, sample in self.samples if seconds >= WARM_SECONDS)
        last = self.samples[-1][1]
        return {name: (warm[name], last[name]) for name in warm}


def main() -> int:
    database_prepare()
    django_setup()
    from devtools.hub_receiver import HubReceiver
    from hub.models import Repository

    subjects = list(
        Repository.objects.filter(full_name__startswith="load-u")
        .order_by("-id")
        .values_list("full_name", flat=True)[:5000]
    )
    vacuum()
    logs = Path(tempfile.mkdtemp(prefix="hubmod-soak-"))
    processes = Processes(logs)
    sink = HubReceiver(secret=WEBHOOK_SECRET).start()
    try:
        web, worker = stack_start(processes, {**ENV, "HUB_WEBHOOK_URL": sink.url})
        say(f"gunicorn and worker up (logs in {logs}); measuring the maximum intake rate")
        maximum = wrk(spread_reports(subjects, "Soak max"), "/api/v1/reports", duration="10s").rate
        rate = maximum / 2
        say(f"maximum {maximum:.0f} req/s; soaking at {rate:.0f} req/s for {DURATION} s")
        watch = MemoryWatch({"gunicorn": _children(web.pid), "worker": [worker.pid, *_children(worker.pid)]})
        watch.start()
        steady = spread_reports(subjects, "Soak", CONNECTIONS / rate * 1000, receipts_every=10)
        soak = wrk(steady, "/api/v1/reports", duration=f"{DURATION}s")
        watch.stop()
    finally:
        processes.stop_all()
        sink.stop()

    growth = watch.growth()
    worst = max((end - warm) / warm for warm, end in growth.values() if warm)
    errors_ok = soak.errors == 0 and soak.non2xx == 0
    memory_ok = worst <= GROWTH_LIMIT
    print(f"\nsoak: {DURATION} s at {soak.rate:.0f} req/s (half of {maximum:.0f}), 16 connections, wrk on loopback")
    print(f"  requests {soak.requests:,}  non-2xx {soak.non2xx}  errors {soak.errors}  p99 {soak.p99:.1f} ms")
    print(f"  {'process':24s} {'RSS warm':>10s} {'RSS end':>10s} {'growth':>8s}")
    for name, (warm, end) in sorted(growth.items()):
        print(f"  {name:24s} {warm / 1024:8.1f} MB {end / 1024:8.1f} MB {(end - warm) / warm if warm else 0:8.1%}")
    print(
        f"  zero errors: {'yes' if errors_ok else 'NO'}; memory flat (<= {GROWTH_LIMIT:.0%}): {'yes' if memory_ok else 'NO'}"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "soak.json").write_text(
        json.dumps(
            {"seconds": DURATION, "maximum": maximum, "rate": soak.rate, "requests": soak.requests,
             "non2xx": soak.non2xx, "errors": soak.errors, "p99_ms": soak.p99,
             "rss_kib": {name: {"warm": warm, "end": end} for name, (warm, end) in growth.items()}},
            indent=2,
        )
    )  # fmt: skip
    return 0 if errors_ok and memory_ok else 1


if __name__ == "__main__":
    sys.exit(main())
