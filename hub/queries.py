"""The hub app's hand-written SQL: the lineage walks, which the ORM cannot write (a recursive query).

One query each way, however deep the tree (bench "lineage: 10,000 descendants"); diamonds appear
once and cycles stop at the depth limit. tests/test_queries.py runs each on the suite's database
(PostgreSQL in CI, SQLite without it).
"""

# Params: the base's full name, the depth limit, the base's full name again.
DESCENDANTS_SQL = """
WITH RECURSIVE lineage(repository_id, full_name, relation, depth) AS (
    SELECT r.id, r.full_name, l.relation, 1
    FROM hub_basemodellink l JOIN hub_repository r ON r.id = l.repository_id
    WHERE l.base_full_name = %s
    UNION
    SELECT r.id, r.full_name, l.relation, lineage.depth + 1
    FROM lineage
    JOIN hub_basemodellink l ON l.base_full_name = lineage.full_name
    JOIN hub_repository r ON r.id = l.repository_id
    WHERE lineage.depth < %s
)
SELECT repository_id, full_name, MIN(depth) FROM lineage
WHERE full_name <> %s GROUP BY repository_id, full_name ORDER BY MIN(depth), full_name
"""

# Params: the repository's id, the depth limit, its full name.
ANCESTORS_SQL = """
WITH RECURSIVE lineage(full_name, relation, depth) AS (
    SELECT l.base_full_name, l.relation, 1
    FROM hub_basemodellink l WHERE l.repository_id = %s
    UNION
    SELECT l.base_full_name, l.relation, lineage.depth + 1
    FROM lineage
    JOIN hub_repository r ON r.full_name = lineage.full_name
    JOIN hub_basemodellink l ON l.repository_id = r.id
    WHERE lineage.depth < %s
)
SELECT full_name, MIN(depth) FROM lineage WHERE full_name <> %s GROUP BY full_name ORDER BY MIN(depth), full_name
"""
