.PHONY: run test bench soak lint format clean

# README command one: install, migrate, seed and run web + worker + beat + stand-in hub.
run:
	scripts/run.sh

# README command two: lint and the whole suite (PostgreSQL + Redis when reachable).
test:
	scripts/test.sh

# Speed as ratios against floors measured in the same run (PostgreSQL, Redis, gunicorn, wrk).
bench:
	scripts/bench.sh $(BENCH)

# Ten minutes of steady intake at half the measured maximum: zero errors, flat memory (SOAK_DURATION).
soak:
	BENCH_MODULE=tests.bench.soak scripts/bench.sh

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports
	.venv/bin/mypy

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

clean:
	rm -rf .venv .bootstrap-* staticfiles sent-mail test-artifacts *.sqlite3 *.sqlite3-*
