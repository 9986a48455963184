"""The audit log is a hash chain nobody can quietly change: PostgreSQL refuses UPDATE and DELETE,
and `verify_audit_log` names the first event that was altered anyway."""

import itertools
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from hubmod.actors import SYSTEM
from hubmod.audit import log as audit
from hubmod.audit.models import AuditEvent
from tests.factories import RepositoryFactory


def verify() -> str:
    out = StringIO()
    call_command("verify_audit_log", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_events_chain_and_an_intact_log_verifies():
    repo = RepositoryFactory()
    for verb in ("a", "b", "c"):
        audit.record(actor=SYSTEM, verb=verb, target=repo, data={"n": verb})

    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(events))
    assert "intact" in verify()


@pytest.mark.django_db(transaction=True)
def test_a_changed_event_is_named_by_verify():
    repo = RepositoryFactory()
    for n in range(5):
        audit.record(actor=SYSTEM, verb="step", target=repo, data={"n": n})
    target = AuditEvent.objects.get(data__n=2)
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER audit_event_append_only")
        cursor.execute(f"UPDATE {table} SET actor_label = 'someone else' WHERE id = %s", [target.pk])
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER audit_event_append_only")

    with pytest.raises(CommandError, match=f"broken at event {target.seq}: its content does not match"):
        verify()


@pytest.mark.django_db
def test_postgresql_refuses_to_update_or_delete_an_audit_event():
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's; SQLite relies on the model and the chain")
    audit.record(actor=SYSTEM, verb="x", target=RepositoryFactory())
    event = AuditEvent.objects.get(verb="x")  # the seed's own events come before it
    for statement in ("UPDATE {t} SET verb = 'y' WHERE id = %s", "DELETE FROM {t} WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement.format(t=AuditEvent._meta.db_table), [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).verb == "x"


@pytest.mark.django_db
def test_a_chain_of_100000_events_verifies(capsys):
    repo = RepositoryFactory()
    for _ in range(10):
        audit.record_many(actor=SYSTEM, verb="bulk", targets=[repo] * 10_000, data={"batch": True})

    started = time.monotonic()
    output = verify()
    seconds = time.monotonic() - started

    assert f"{AuditEvent.objects.count()} events verified" in output
    with capsys.disabled():
        print(f"\nverify_audit_log: {AuditEvent.objects.count()} events in {seconds:.2f} s")


@pytest.mark.django_db
def test_auditors_export_an_objects_trail_with_its_hashes():
    repo = RepositoryFactory()
    for verb in ("a", "b"):
        audit.record(actor=SYSTEM, verb=verb, target=repo)
    out = StringIO()

    call_command("export_audit_log", "--target", f"hub.repository:{repo.pk}", stdout=out)

    import json

    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["verb"] for r in rows] == ["a", "b"]
    assert rows[1]["prev_hash"] == rows[0]["hash"]
