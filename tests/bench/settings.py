"""The benchmark's settings: the product's, plus the floor endpoint's URLconf.

Filing limits are off: the load generator is one client address sending thousands of reports a
second, which is exactly what the limits exist to refuse.
"""

import os

from hubmod.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"
RATELIMIT_ENABLE = False
INSTALLED_APPS = [*INSTALLED_APPS, "tests.bench.apps.BenchConfig"]  # noqa: F405

# The scan benchmark's file server (tests/bench/scan.py) stands in for the hub's file host: the
# one host its worker may fetch from.
BENCH_SCAN_FILES_PORT = int(os.environ.get("BENCH_SCAN_PORT", "8766"))
SCAN_FETCH_ALLOWED_HOSTS = [f"127.0.0.1:{BENCH_SCAN_FILES_PORT}"]
