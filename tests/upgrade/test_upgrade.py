"""An operator upgrading across the app split loses nothing (issue 19).

A database filled at the schema of make_fixture.OLD_COMMIT, by that commit's own code, is loaded
from its SQL dump into a database of its own, migrated by today's `manage.py migrate`, and then
still holds every row, read through each moved model's new app; every table has the columns and
named constraints its model declares; the role groups and a moderator's own grant follow the moved
models; the staff token still signs in, the uploader's notice link still opens, the hub's retry is
still answered from its stored Idempotency-Key; the audit chain verifies against the checkpoint the
old code signed; no model change lacks a migration; and `manage.py seed` runs again without undoing
an admin's edits.

Everything runs in subprocesses against those databases (SQLite always, PostgreSQL when
DATABASE_URL names one): the pytest-django test database is never touched. The fixtures are made
by make_fixture.py. A later move adds its row to MOVES; should its tables be empty in the fixture,
test_every_moved_model_reads_its_old_rows_from_its_new_app says so, and fill.py gains their rows.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from tests.upgrade.make_fixture import OLD_COMMIT

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
FIXTURES = HERE / "fixtures"


@dataclass(frozen=True)
class Move:
    """Models that left app `source` for app `target`, state-only: each keeps its table (named
    `<source>_<model>` as Django named it there), its rows and its content type."""

    source: str
    target: str
    models: tuple[str, ...]


MOVES = [
    Move("moderation", "staff", ("StaffToken",)),
    Move("reports", "idempotency", ("IdempotentRequest",)),
    Move(
        "moderation",
        "policy",
        ("PolicyVersion", "PolicySection", "SlaRule", "StrikeRule", "StatementTemplate", "NoticeTemplate"),
    ),
    Move(
        "moderation",
        "transparency",
        (
            "StatementSubmission",
            "TransparencyDay",
            "DailyReportCount",
            "DailyCaseCount",
            "DailyDecisionCount",
            "DailyActionCount",
            "DailyHoursToDecision",
        ),
    ),
]
MOVED_TO = {(move.source, model.lower()): move.target for move in MOVES for model in move.models}
# Rows today's code adds for itself: its migrations, and the content types and permissions of models
# it adds. That the fixture's own rows of these are all still there is checked by identity below.
GROW_WITH_THE_CODE = {"django_migrations", "django_content_type", "auth_permission"}


def app_of(app_label: str, model: str) -> str:
    """Where a model of the fixture's lives today."""
    return MOVED_TO.get((app_label, model), app_label)


def grants_today(grants: list[list[str]]) -> list[list[str]]:
    return sorted([app_of(app, model), model, codename] for app, model, codename in grants)


def _differences(observed: dict[str, list], expected: dict[str, list]) -> dict[str, dict[str, list]]:
    """Per holder, what it lost and what it gained: readable where two whole tables are not."""
    differences = {}
    for holder, wanted in expected.items():
        have, want = {tuple(g) for g in observed.get(holder, [])}, {tuple(g) for g in wanted}
        if have != want:
            differences[holder] = {"lost": sorted(want - have), "gained": sorted(have - want)}
    return differences


@dataclass
class Upgrade:
    backend: str
    facts: dict  # what the old code recorded while filling (fixtures/<backend>.json)
    observed: dict  # observe.py right after the migration
    seed: dict  # manage.py seed, run again: returncode and output
    reseeded: dict  # observe.py after seed ran again


def _env(database_url: str, tmp: Path, facts: dict) -> dict[str, str]:
    """Today's settings from nothing but this: the upgraded database, no Redis or broker (a task runs
    in-process), and the operator's checkpoint signing key carried over from before the upgrade."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp),
        "DATABASE_URL": database_url,
        "CONN_MAX_AGE": "0",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "CELERY_BROKER_URL": "memory://",
        "MEDIA_ROOT": str(tmp / "media"),
        "AUDIT_CHECKPOINT_SIGNING_KEY": facts["audit_checkpoint_signing_key"],
        "LOG_LEVEL": "WARNING",
    }


def _run(args: list[str], env: dict[str, str]) -> dict:
    result = subprocess.run(
        [sys.executable, *args], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=180, check=False
    )
    return {"returncode": result.returncode, "output": result.stdout + result.stderr}


def _observe(env: dict[str, str], facts_path: Path, out: Path) -> dict:
    result = _run(["-m", "tests.upgrade.observe", str(facts_path), str(out)], env)
    assert result["returncode"] == 0, result["output"]
    return json.loads(out.read_text(encoding="utf-8"))


def _sqlite_load(tmp: Path) -> str:
    path = tmp / "upgraded.sqlite3"
    connection = sqlite3.connect(path)
    try:
        connection.executescript((FIXTURES / "sqlite.sql").read_text(encoding="utf-8"))
    finally:
        connection.close()
    return f"sqlite:///{path}"


def _postgres_server() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if urlsplit(url).scheme in ("postgres", "postgresql", "pgsql") else None


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _postgres_admin(url: str, statement: str) -> None:
    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as connection:
        connection.execute(statement)


def _postgres_load(server: str, name: str) -> str:
    psql = shutil.which("psql")
    assert psql, "Loading the PostgreSQL fixture needs psql (the postgresql-client package)."
    _postgres_admin(server, f'CREATE DATABASE "{name}"')
    url = _with_database(server, name)
    loaded = subprocess.run(
        [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", str(FIXTURES / "postgres.sql")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert loaded.returncode == 0, loaded.stderr
    return url


def _upgraded(backend: str, tmp: Path) -> dict:
    """Load the fixture into a database of its own, migrate it with today's code, look at it, seed it
    again and look again; the database is gone afterwards, what was seen is returned."""
    facts_path = FIXTURES / f"{backend}.json"
    facts = json.loads(facts_path.read_text(encoding="utf-8"))
    server = _postgres_server()
    name = f"hubmod_upgrade_{os.getpid()}_{secrets.token_hex(4)}"
    try:
        database_url = _sqlite_load(tmp) if backend == "sqlite" else _postgres_load(server, name)
        env = _env(database_url, tmp, facts)
        migrate = _run(["manage.py", "migrate", "--no-input"], env)
        assert migrate["returncode"] == 0, migrate["output"]
        observed = _observe(env, facts_path, tmp / "observed.json")
        seed = _run(["manage.py", "seed"], env)
        reseeded = _observe(env, facts_path, tmp / "reseeded.json")
    finally:
        if backend == "postgres":
            _postgres_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return {"facts": facts, "observed": observed, "seed": seed, "reseeded": reseeded}


@pytest.fixture(
    scope="module",
    params=[pytest.param("sqlite"), pytest.param("postgres", marks=pytest.mark.postgres)],
)
def upgrade(request, tmp_path_factory) -> Upgrade:
    """The fixture's database, upgraded with today's code, looked at before and after a new seed."""
    backend = request.param
    if backend == "postgres" and _postgres_server() is None:
        pytest.skip("needs PostgreSQL: DATABASE_URL does not name a PostgreSQL server")
    tmp = tmp_path_factory.mktemp(f"upgrade-{backend}")
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return Upgrade(backend, **_upgraded(backend, tmp))
    # Under pytest-xdist each worker running one of these tests would upgrade a database of its own:
    # the first does, in the directory the session's workers share, and the others read what it saw.
    shared = tmp_path_factory.getbasetemp().parent
    with open(shared / f"upgrade-{backend}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        seen = shared / f"upgrade-{backend}.json"
        if not seen.exists():
            seen.write_text(json.dumps(_upgraded(backend, tmp)), encoding="utf-8")
        return Upgrade(backend, **json.loads(seen.read_text(encoding="utf-8")))


def test_the_fixture_was_made_before_any_move():
    """Both dumps come from the commit make_fixture.py names, and hold a moved model under its old app."""
    for backend in ("sqlite", "postgres"):
        facts = json.loads((FIXTURES / f"{backend}.json").read_text(encoding="utf-8"))
        assert facts["commit"] == OLD_COMMIT
        assert [ct for ct in facts["content_types"] if ct[1:] == ["moderation", "stafftoken"]]


def test_every_row_is_still_there(upgrade):
    tables = upgrade.observed["tables"]

    lost = {
        table: (rows, tables.get(table))
        for table, rows in upgrade.facts["tables"].items()
        if table not in GROW_WITH_THE_CODE and tables.get(table) != rows
    }
    assert lost == {}
    assert all(tables[table] >= upgrade.facts["tables"][table] for table in GROW_WITH_THE_CODE)


def test_every_moved_model_reads_its_old_rows_from_its_new_app(upgrade):
    models, recorded = upgrade.observed["models"], upgrade.facts["tables"]

    for move in MOVES:
        for model in move.models:
            old_table = f"{move.source}_{model.lower()}"
            assert recorded[old_table] > 0, f"{old_table} is empty in the fixture: it would prove nothing"
            assert models[f"{move.target}.{model}"] == {"table": old_table, "rows": recorded[old_table]}, model
            assert f"{move.source}.{model}" not in models


def test_every_table_has_the_columns_indexes_and_constraints_its_model_declares(upgrade):
    """What today's code believes the schema is (its migration state) is what the database has."""
    assert upgrade.observed["schema_drift"] == {}


def test_every_model_of_the_fixture_still_has_a_model_today(upgrade):
    """A model that moved without a row in MOVES shows up here by name."""
    today = {label.lower() for label in upgrade.observed["models"]}

    missing = [
        f"{app}.{model}"
        for _, app, model in upgrade.facts["content_types"]
        if f"{app_of(app, model)}.{model}" not in today
    ]
    assert missing == []


def test_content_types_of_moved_models_were_renamed_in_place(upgrade):
    """Same id under the new app, none left under the old one, none twice: what points at a content
    type (permissions, the admin's log) follows the model."""
    observed = upgrade.observed["content_types"]
    by_id = {ct_id: (app, model) for ct_id, app, model in observed}

    moved_elsewhere = [
        [ct_id, f"{app}.{model}", by_id.get(ct_id)]
        for ct_id, app, model in upgrade.facts["content_types"]
        if by_id.get(ct_id) != (app_of(app, model), model)
    ]
    assert moved_elsewhere == []
    assert [pair for pair, n in Counter(by_id.values()).items() if n > 1] == []
    assert [ct for ct in observed if (ct[1], ct[2]) in MOVED_TO] == []


def test_role_groups_and_a_direct_grant_keep_their_permissions_on_the_moved_models(upgrade):
    observed, facts = upgrade.observed, upgrade.facts

    for holders in ("group_permissions", "user_permissions"):
        expected = {holder: grants_today(grants) for holder, grants in facts[holders].items()}
        assert set(observed[holders]) == set(expected), holders
        assert _differences(observed[holders], expected) == {}, holders
    assert facts["user_permissions"]["mod"] == [
        ["moderation", "slarule", "change_slarule"],
        ["moderation", "slarule", "view_slarule"],
    ]
    moderator, admin = observed["effective_permissions"]["mod"], observed["effective_permissions"]["hub-admin"]
    assert {"policy.change_slarule", "policy.view_slarule"} <= set(moderator)
    assert {"policy.change_slarule", "policy.change_noticetemplate", "policy.add_policysection"} <= set(admin)
    assert [perm for perm in moderator + admin if perm.startswith("moderation.") and "slarule" in perm] == []


def test_a_decision_still_cites_its_policy_section_and_its_statement_submission(upgrade):
    decisions = upgrade.observed["decisions"]

    for decision_id, recorded in upgrade.facts["decisions"].items():
        assert decisions[decision_id] == {**recorded, "policy_section_model": "policy.PolicySection"}
    assert upgrade.facts["decisions"]["1"]["policy_section"] == "harmful-use"
    assert upgrade.observed["statement_submissions"] == upgrade.facts["statement_submissions"] == [[1, True], [2, True]]


def test_the_staff_token_still_signs_in_and_sees_the_queue(upgrade):
    token = upgrade.observed["staff_token"]

    assert token["owner"] == upgrade.facts["staff_token"]["username"] == "mod"
    assert token["queue_status"] == 200
    assert upgrade.facts["open_case"] in token["queue_cases"]


def test_the_uploaders_notice_link_and_the_hubs_retry_still_work(upgrade):
    retry = upgrade.observed["hub_retry"]

    assert upgrade.observed["notice"] == {"status": 200, "shows_statement": True}
    assert retry["status"] == 201
    assert retry["replayed"] == "true"
    assert retry["body"] == upgrade.facts["idempotent_request"]["response"]
    assert retry["reports_filed"] == 0


def test_the_admins_edits_and_their_history_survive(upgrade):
    observed, facts = upgrade.observed, upgrade.facts

    assert observed["sla_rule"] == facts["sla_rule"]
    assert observed["notice_template"] == facts["notice_template"]
    assert observed["admin_page"] == {"status": 200, "shows_edit": True}
    assert observed["admin_log"] == sorted(
        [pk, app_of(app, model), model, object_id] for pk, app, model, object_id in facts["admin_log"]
    )
    assert sorted(label for _, label in observed["admin_log_objects"]) == ["policy.NoticeTemplate", "policy.SlaRule"]


def test_the_audit_chain_verifies_against_the_checkpoint_signed_before_the_upgrade(upgrade):
    events = upgrade.facts["audit"]["events"]

    assert upgrade.observed["audit"] == upgrade.facts["audit"] == {"events": events, "checkpoints": 1}
    verify = upgrade.observed["verify_audit_log"]
    assert verify["ok"], verify["output"]
    assert f"Audit log intact: {events} events verified" in verify["output"]
    assert "matches 1 signed checkpoints" in verify["output"]


def test_no_model_change_is_left_without_a_migration(upgrade):
    makemigrations = upgrade.observed["makemigrations_check"]
    assert makemigrations == {"ok": True, "output": "No changes detected\n"}


def test_seed_runs_again_keeps_every_row_and_the_admins_edits(upgrade):
    reseeded, facts = upgrade.reseeded, upgrade.facts

    assert upgrade.seed["returncode"] == 0, upgrade.seed["output"]
    # The roles are set to today's definition: a permission a role no longer has may go.
    shrunk = {
        table: (rows, reseeded["tables"].get(table))
        for table, rows in facts["tables"].items()
        if table != "auth_group_permissions" and reseeded["tables"].get(table, -1) < rows
    }
    assert shrunk == {}
    assert reseeded["sla_rule"] == facts["sla_rule"]
    assert reseeded["notice_template"] == facts["notice_template"]
    assert reseeded["user_permissions"] == upgrade.observed["user_permissions"]
    assert "policy.view_slarule" in reseeded["effective_permissions"]["hub-admin"]
    assert reseeded["verify_audit_log"]["ok"], reseeded["verify_audit_log"]["output"]
    assert "matches 1 signed checkpoints" in reseeded["verify_audit_log"]["output"]
