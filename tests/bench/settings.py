"""The benchmark's settings: the product's, plus the floor endpoint's URLconf.

Filing limits are off: the load generator is one client address sending thousands of reports a
second, which is exactly what the limits exist to refuse.
"""

from hubmod.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"
RATELIMIT_ENABLE = False
INSTALLED_APPS = [*INSTALLED_APPS, "tests.bench.apps.BenchConfig"]  # noqa: F405
