"""Intake's hand-written SQL: the statements the ORM made too slow for the bench's "intake req/s".

Tables come from the models and the values are parameters. tests/test_queries.py runs each on the
suite's database (PostgreSQL in CI, SQLite without it).
"""

from hubmod.audit import log as audit
from reports.models import Report

_REPORT = Report._meta.db_table

# A reporter already counted in the window cannot raise the count: the last report from a new
# reporter found it below the threshold, and the window has only slid since. So one address
# filing ten thousand times costs an index probe each, not a count over all it filed. Run in the
# statement that inserts the report, the count does not see that report: a new reporter adds one.
# `reporter_key || ''` keeps the plan on the case's index: planned once for any values, PostgreSQL
# would otherwise probe the reporter's, and a brigading address has filed thousands.
SURGE_SQL = f"""CASE WHEN EXISTS (
    SELECT 1 FROM {_REPORT} WHERE case_id = %s AND reporter_key || '' = %s AND created_at >= %s
) THEN 0 ELSE 1 + (
    SELECT COUNT(DISTINCT reporter_key) FROM {_REPORT} WHERE case_id = %s AND created_at >= %s
) END"""  # noqa: S608 - built from the model; the values are parameters
# The report, its case's surge count, and the audit chain's head locked and read, in one statement.
STORE_SQL = f"""WITH new AS ({{insert}}), head AS ({audit.CHAIN_HEAD_LOCKED})
SELECT new.id, head.seq, head.hash, {{surge}} FROM new LEFT JOIN head ON true"""  # noqa: S608
