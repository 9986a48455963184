"""Regenerate the upgrade test's fixtures: a database filled at the schema of OLD_COMMIT, by that
commit's own code, dumped as SQL text for SQLite and PostgreSQL, with the facts the test checks.

    .venv/bin/python tests/upgrade/make_fixture.py [--postgres URL | --no-postgres]

It extracts OLD_COMMIT's tree (`git archive`, read-only), runs that tree's `manage.py migrate` with
this checkout's virtualenv, then fill.py inside it (the old seed, then the old API), and writes
fixtures/<backend>.sql and fixtures/<backend>.json. The PostgreSQL database (default
hubmod_upgrade_fixture on the local server) is dropped and created afresh, and dropped at the end.
Keep OLD_COMMIT the last commit before the first model moved between apps: the test proves an
operator upgrading from there loses nothing. A later move needs its row in test_upgrade.MOVES, and a
new fixture only if its tables are empty in this one (fill.py then gains their rows).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

# dbcfd55: "Statements reach a case's reports through the relation ...", the last commit before
# StaffToken, IdempotentRequest, the policy's and the transparency figures' models left their apps.
OLD_COMMIT = "dbcfd55cda2ad0faa3ddd36fa70befede1b04948"
HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
FIXTURES = HERE / "fixtures"
PYTHON = sys.executable


def old_tree(into: Path) -> Path:
    into.mkdir()
    archive = subprocess.run(["git", "-C", str(PROJECT), "archive", OLD_COMMIT], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    shutil.copy(HERE / "fill.py", into / "upgrade_fill.py")
    return into


def old_env(database_url: str, tmp: Path, signing_key: str) -> dict[str, str]:
    """The old code's settings, from nothing but what is given here: no Redis, no broker (tasks run
    eagerly), mail kept in memory, evidence in the temporary directory, the operator's own key."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp),
        "DATABASE_URL": database_url,
        "CONN_MAX_AGE": "0",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "CELERY_BROKER_URL": "memory://",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "MEDIA_ROOT": str(tmp / "media"),
        "AUDIT_CHECKPOINT_SIGNING_KEY": signing_key,
        "LOG_LEVEL": "WARNING",
    }


def run(args: list[str], *, cwd: Path, env: dict[str, str]) -> None:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    if result.returncode:
        raise SystemExit(f"{' '.join(args)} failed in {cwd}:\n{result.stdout}\n{result.stderr}")


def filled(tree: Path, database_url: str, tmp: Path, signing_key: str) -> dict:
    env = old_env(database_url, tmp, signing_key)
    run([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], cwd=tree, env=env)
    facts = tmp / "facts.json"
    run([PYTHON, "upgrade_fill.py", str(facts)], cwd=tree, env=env)
    return json.loads(facts.read_text(encoding="utf-8"))


def signing_key_new() -> str:
    """A fresh Ed25519 key standing for the operator's AUDIT_CHECKPOINT_SIGNING_KEY, kept with the
    fixture so that the upgraded database's checkpoints are checked against the key that signed them."""
    private = Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return base64.b64encode(private).decode()


def write(backend: str, dump: str, facts: dict, signing_key: str) -> None:
    FIXTURES.mkdir(exist_ok=True)
    (FIXTURES / f"{backend}.sql").write_text(dump, encoding="utf-8")
    meta = {"commit": OLD_COMMIT, "backend": backend, "audit_checkpoint_signing_key": signing_key, **facts}
    (FIXTURES / f"{backend}.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{backend}: {len(dump.encode()) // 1024} KiB of SQL, {sum(facts['tables'].values())} rows")


def make_sqlite(tree: Path, tmp: Path) -> None:
    path = tmp / "fixture.sqlite3"
    signing_key = signing_key_new()
    facts = filled(tree, f"sqlite:///{path}", tmp, signing_key)
    connection = sqlite3.connect(path)
    try:
        dump = "\n".join(connection.iterdump()) + "\n"
    finally:
        connection.close()
    write("sqlite", dump, facts, signing_key)


def make_postgres(tree: Path, tmp: Path, url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432), "-U", parts.username or "postgres"]
    env = {**os.environ, "PGPASSWORD": parts.password or ""}
    subprocess.run(["dropdb", *server, "--if-exists", name], check=True, env=env)
    subprocess.run(["createdb", *server, name], check=True, env=env)
    try:
        signing_key = signing_key_new()
        facts = filled(tree, url, tmp, signing_key)
        dump = subprocess.run(
            ["pg_dump", *server, "--no-owner", "--no-privileges", name],
            check=True,
            env=env,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        subprocess.run(["dropdb", *server, "--if-exists", name], check=True, env=env)
    # pg_dump since 15.14 guards a dump with \restrict and a random key, a psql command older psql
    # clients refuse; the fixture is ours, so it goes, and regenerating changes no line for nothing.
    dump = "".join(
        line for line in dump.splitlines(keepends=True) if not line.startswith(("\\restrict", "\\unrestrict"))
    )
    write("postgres", dump, facts, signing_key)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/hubmod_upgrade_fixture",
                        help="a database on a PostgreSQL server to fill and dump; it is dropped and created")  # fmt: skip
    parser.add_argument("--no-postgres", action="store_true", help="regenerate the SQLite fixture only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hubmod-upgrade-") as directory:
        tmp = Path(directory)
        tree = old_tree(tmp / "old")
        for backend in ("sqlite", *(() if args.no_postgres else ("postgres",))):
            work = tmp / backend
            work.mkdir()
            if backend == "sqlite":
                make_sqlite(tree, work)
            else:
                make_postgres(tree, work, args.postgres)


if __name__ == "__main__":
    main()
