.PHONY: run test lint format clean

# README command one: install, migrate, seed and run web + worker + beat + stand-in hub.
run:
	scripts/run.sh

# README command two: lint and the whole suite (PostgreSQL + Redis when reachable).
test:
	scripts/test.sh

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

clean:
	rm -rf .venv .bootstrap-* staticfiles sent-mail test-artifacts *.sqlite3 *.sqlite3-*
