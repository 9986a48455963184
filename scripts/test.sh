#!/usr/bin/env bash
# README command two: lint, then the whole test suite on the real parts.
#
# With PostgreSQL and Redis reachable (TEST_DATABASE_URL, TEST_REDIS_URL), the suite runs on them
# with a real Celery worker; the integration test and the hand-written SQL run once more on the embedded default.
# Without them it runs everything on SQLite and says what it skipped; under CI=true an absent
# service is a failure, never a silent fallback.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh requirements-dev.txt || exit 1

database_url=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/hubmod}
redis_url=${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}
redis_cache_url=${TEST_REDIS_CACHE_URL:-redis://127.0.0.1:6379/14}
ci=${CI:-false}
skipped=()

echo "== lint"
.venv/bin/ruff check . || exit 1
.venv/bin/ruff format --check . || exit 1
.venv/bin/lint-imports --no-cache >/dev/null || { .venv/bin/lint-imports --no-cache; echo "An import breaks the layers of DESIGN.md (pyproject.toml [tool.importlinter])." >&2; exit 1; }
.venv/bin/mypy || { echo "mypy found type errors: run .venv/bin/mypy." >&2; exit 1; }
.venv/bin/python manage.py check --fail-level WARNING || exit 1
.venv/bin/python manage.py spectacular --validate --fail-on-warn --file /dev/null 2>/dev/null || { echo "The OpenAPI schema has warnings: run manage.py spectacular --validate --fail-on-warn." >&2; exit 1; }
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null || { echo "Models changed without a migration." >&2; exit 1; }

if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing Debian's chromium for the browser tests"
    (apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1; }) \
      || echo "could not install chromium"
  fi
fi
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  [ "$ci" = true ] && { echo "CI: Debian's chromium is missing; browser tests cannot run." >&2; exit 1; }
  skipped+=("browser tests: no chromium at ${CHROMIUM:-/usr/bin/chromium} (apt-get install chromium)")
fi

services=$(.venv/bin/python scripts/services_check.py "$database_url" "$redis_url")
status=$?
if [ $status -ne 0 ]; then
  [ "$ci" = true ] && { echo "CI: $services" >&2; exit 1; }
  skipped+=("PostgreSQL and Redis: $services; everything ran on SQLite with the embedded broker")
fi

# WhiteNoise serves from STATIC_ROOT; an absent one is a warning in every request of the suite.
.venv/bin/python manage.py collectstatic --no-input -v0 || exit 1

export CELERY_QUEUE="hubmod-test-$$"
# The suite waits on I/O much of the time (the stand-in hub, a real worker, chromium), so it runs on
# more pytest-xdist workers than cores (TEST_WORKERS overrides; 0 runs it in this one process). Each
# worker has its own test database (pytest-django), queue and cache database (tests/conftest.py):
# the cache databases count down from the one given, so keep the broker's above it.
cores=$(nproc 2>/dev/null || echo 2)
workers=${TEST_WORKERS:-$(( cores * 2 > 4 ? 4 : cores * 2 ))}
export CONN_MAX_AGE=0
embedded_broker="sqla+sqlite:///$PWD/celery-broker-test.sqlite3"
rm -f celery-broker-test.sqlite3* hubmod-test.sqlite3*

echo "== on the embedded default (SQLite, SQLite broker, real worker): the integration test, and every app's hand-written SQL"
env -u DATABASE_URL -u REDIS_URL CELERY_BROKER_URL="$embedded_broker" \
  .venv/bin/python -m pytest -q tests/e2e/test_walking_skeleton.py tests/test_queries.py tests/test_sql.py || exit 1

if [ $status -eq 0 ]; then
  echo "== whole suite on PostgreSQL ($database_url) and Redis ($redis_url)"
  DATABASE_URL=$database_url REDIS_URL=$redis_url REDIS_CACHE_URL=$redis_cache_url .venv/bin/python -m pytest -n "$workers" "$@"
else
  echo "== whole suite on SQLite"
  env -u DATABASE_URL -u REDIS_URL CELERY_BROKER_URL="$embedded_broker" .venv/bin/python -m pytest -n "$workers" "$@"
fi
result=$?
if [ ${#skipped[@]} -gt 0 ]; then
  echo "== SKIPPED"
  for s in "${skipped[@]}"; do echo "  - $s"; done
fi
exit $result
