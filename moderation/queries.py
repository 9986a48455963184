"""moderation's hand-written SQL: the few statements the ORM made too slow.

Each names the `make bench` figure that needs it (docs/performance.md). Tables and states come from
the models and the values are parameters, so a renamed state or table cannot leave a statement
behind. tests/test_queries.py runs every one on the suite's database (PostgreSQL in CI, SQLite
without it) and checks it answers what the ORM would.
"""

from __future__ import annotations

from collections.abc import Iterable

from hub.models import Account, Repository
from hubmod.sql import columns
from moderation.models import OPEN_CASE_STATES, Case, Decision, EnforcementAction


def _listed(states: Iterable[str]) -> str:
    return ", ".join(f"'{state}'" for state in states)


_CASE = Case._meta.db_table
_REPOSITORY = Repository._meta.db_table

# Bench "intake req/s": every report runs one of these two; written out, they cost a third of what
# the ORM spends composing them. A subject has one open case per category and rarely more than one
# found clean: the rows are few, and picking among them in Python spares PostgreSQL planning a sort.
_OPEN_OR_CLEAN = f"""{_CASE}.category = %s AND (
    {_CASE}.state IN ({_listed(OPEN_CASE_STATES)})
    OR ({_CASE}.state = '{Case.State.RESOLVED}' AND {_CASE}.clean_until > %s))"""
# Params: the subject's id, the category, now. `subject_column` is repository_id or account_id.
OPEN_AND_CLEAN_SQL = f"""
SELECT {columns(Case)} FROM {_CASE} WHERE {{subject_column}} = %s AND {_OPEN_OR_CLEAN}
"""  # noqa: S608 - built from the models; the values are parameters
# A repository's report reads the repository and its cases together: one round trip fewer.
# Params: the category, now, the repository's full name.
REPOSITORY_AND_CASES_SQL = f"""
SELECT {columns(Repository)}, {columns(Case)} FROM {_REPOSITORY}
LEFT JOIN {_CASE} ON {_CASE}.repository_id = {_REPOSITORY}.id AND {_OPEN_OR_CLEAN}
WHERE {_REPOSITORY}.full_name = %s
"""  # noqa: S608 - built from the models; the values are parameters

# Bench "enforcement actions applied/s": every delivery runs this. Written out, it costs a ninth of
# the Python the ORM spends composing it; joining the uploader once (the repository's owner, or the
# account the case is about) instead of both halves what PostgreSQL spends on it. The decision and
# case rows are wide; only ids are read. moderation.services.enforcement.OutgoingAction reads it.
_OUTGOING_SELECT = f"""
    SELECT a.id, a.state, a.kind, a.reverses_id, a.idempotency_key, a.not_before, a.created_at,
           a.decision_id, a.rollback_to, c.repository_id, r.full_name, c.account_id, u.id, u.handle
    FROM {EnforcementAction._meta.db_table} a
    JOIN {Decision._meta.db_table} d ON d.id = a.decision_id
    JOIN {_CASE} c ON c.id = d.case_id
    LEFT JOIN {_REPOSITORY} r ON r.id = c.repository_id
    JOIN {Account._meta.db_table} u ON u.id = COALESCE(c.account_id, r.owner_id)
"""  # noqa: S608 - built from the models
# Pending and not held for a remediation window; the batch also leaves those whose retry is not due.
_SENDABLE = f"a.state = '{EnforcementAction.State.PENDING}' AND (a.not_before IS NULL OR a.not_before <= %s)"
_DUE = "(a.next_attempt_at IS NULL OR a.next_attempt_at <= %s)"
# Params: the action's id, now.
CLAIM_ONE_SQL = _OUTGOING_SELECT + f"WHERE a.id = %s AND {_SENDABLE}"
# Params: now, now, the batch size.
CLAIM_BATCH_SQL = _OUTGOING_SELECT + f"WHERE {_SENDABLE} AND {_DUE} ORDER BY a.id LIMIT %s"
# PostgreSQL only: a claimed action stays locked until its outcome is recorded, so no other worker
# sends it meanwhile, and a worker that dies lets go of it with its connection
# (docs/decisions/enforcement-holds-row-locks-while-sending.md). SQLite has no row locks; there the
# state-checked save keeps a second outcome from being recorded.
LOCKED = " FOR UPDATE OF a SKIP LOCKED"

# Bench "queue page 200 deep p95": the keyset condition in its row-value form, one index range scan
# from the cursor on, where the OR-expanded form the ORM writes scans the queue from its start
# (PERFORMANCE.md). Params: -priority, due_at, id of the last row shown.
QUEUE_AFTER_CURSOR = f'("{_CASE}"."priority" * -1, "{_CASE}"."due_at", "{_CASE}"."id") > (%s, %s, %s)'
# The case before a given one (the console's previous-case link): the same index walked backwards.
QUEUE_BEFORE_CURSOR = f'("{_CASE}"."priority" * -1, "{_CASE}"."due_at", "{_CASE}"."id") < (%s, %s, %s)'
