"""The feed's hand-written SQL: one statement the ORM cannot write.

Moving the head and reading where it now stands is one statement (UPDATE ... RETURNING, on
PostgreSQL and on SQLite from 3.35): the head row stays locked until commit, so seqs are handed out
in commit order with no gap and no reuse, one round trip instead of a locked read and a save. Every
applied action that publishes runs it inside enforcement's batch (bench "enforcement actions
applied/s"; tests/test_query_counts.py counts it). Table and columns come from the model.
"""

from __future__ import annotations

from django.db import connection

from hubmod.sql import column, concrete_field
from revocations.models import RevocationFeedHead

_HEAD = connection.ops.quote_name(RevocationFeedHead._meta.db_table)
_SEQ = connection.ops.quote_name(column(concrete_field(RevocationFeedHead, "seq")))
_ID = connection.ops.quote_name(column(concrete_field(RevocationFeedHead, "id")))

# The table and columns come from the model and the count is a parameter.
HEAD_MOVED = f"UPDATE {_HEAD} SET {_SEQ} = {_SEQ} + %s WHERE {_ID} = 1 RETURNING {_SEQ}"  # noqa: S608


def head_move(count: int) -> int | None:
    """Take `count` seqs after the head and lock it until commit; returns the last one taken, or
    None when the head row is missing."""
    with connection.cursor() as cursor:
        cursor.execute(HEAD_MOVED, [count])
        row = cursor.fetchone()
    return int(row[0]) if row is not None else None
