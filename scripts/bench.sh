#!/usr/bin/env bash
# make bench: the benchmarks of issues 10 and 20 (artifact scanning) on PostgreSQL + Redis + gunicorn
# + a Celery worker, wrk on loopback. Builds its data set once (hubmod_bench); prints the table and
# writes test-artifacts/bench.json.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh requirements-dev.txt || exit 1
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq wrk >/dev/null 2>&1; }
  fi
  command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)." >&2; exit 1; }
fi
services=$(.venv/bin/python scripts/services_check.py "${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/hubmod_bench}" "${BENCH_REDIS_URL:-redis://127.0.0.1:6379/13}") \
  || { echo "bench: needs PostgreSQL and Redis: $services" >&2; exit 1; }
# names limit the run: scripts/bench.sh queue lineage; BENCH_MODULE=tests.bench.soak is `make soak`.
exec .venv/bin/python -m "${BENCH_MODULE:-tests.bench.run}" "$@"
