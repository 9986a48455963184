"""Hand-written SQL for the few hot paths, read back into model instances as the ORM would.

Each report runs a handful of look-ups; composing them with the ORM (and even `Model.objects.raw`,
which maps columns to fields anew on every call) costs several times what PostgreSQL spends
answering them. Here a query selects `columns(Model)`, and the rows map onto fields by position.

PostgreSQL spends more planning these look-ups than running them (0.27 ms against 0.06 for a
subject's cases), so they run on `planned_once()`: prepared once per connection, then only run.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any, TypeVar, cast

from django.db import connection, models
from django.db.models import signals

M = TypeVar("M", bound=models.Model)


def column(field: models.Field[Any, Any]) -> str:
    """A concrete field's column. Django's types allow None, which only a field without one (not concrete) has."""
    return cast(str, field.column)


def concrete_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """The field `name` of `model`, one with a column: get_field may also answer a reverse relation."""
    return cast("models.Field[Any, Any]", model._meta.get_field(name))


@cache
def columns(model: type[models.Model]) -> str:
    """The model's columns, in the order `rows_as` reads them: `SELECT {columns(Case)} FROM ...`."""
    table = connection.ops.quote_name(model._meta.db_table)
    return ", ".join(f"{table}.{connection.ops.quote_name(column(field))}" for field in model._meta.concrete_fields)


@cache
def _converters(fields: tuple[models.Field, ...], vendor: str) -> tuple:
    """What the ORM applies to each column it reads (JSON parsing, SQLite's dates and UUIDs...)."""
    found = []
    for index, field in enumerate(fields):
        col = field.get_col(field.model._meta.db_table)
        functions = [*connection.ops.get_db_converters(col), *col.get_db_converters(connection)]
        if functions:
            found.append((index, functions))
    return tuple(found)


def read_as_orm(fields: tuple[models.Field, ...], row: Sequence[Any]) -> list:
    """One row of hand-written SQL whose columns are `fields`, converted as the ORM would."""
    values = list(row)
    for index, functions in _converters(fields, connection.vendor):
        for convert in functions:
            values[index] = convert(values[index], None, connection)
    return values


def prepared_statements() -> bool:
    threshold = connection.settings_dict["OPTIONS"].get("prepare_threshold")
    return connection.vendor == "postgresql" and threshold is not None


@contextmanager
def planned_once() -> Iterator:
    """A cursor whose statements PostgreSQL plans on their first runs in a connection, then reuses.

    Only for speed: bench "intake req/s" and "enforcement actions applied/s" (planning a look-up
    cost PostgreSQL more than running it).

    Django's own cursor binds parameters on the client, so every query arrives as new text and is
    planned anew. This one binds them on the server, and psycopg prepares a statement once it has
    run `prepare_threshold` times. Only for hand-written SQL with plain `%s` parameters; the ORM's
    queries stay on Django's cursor. Where prepared statements are off (a PgBouncer in transaction
    mode before 1.21, or SQLite) it is Django's cursor.
    """
    if not prepared_statements():
        with connection.cursor() as cursor:
            yield cursor
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    # Any: django-stubs declare ServerBindingCursor without its psycopg base, so neither its constructor
    # nor Django's wrappers (which take a driver cursor, not a CursorWrapper) would type-check.
    server_binding: Any = ServerBindingCursor
    raw = server_binding(connection.connection)
    # Wrapped as Django wraps its own, so the queries are counted, logged and checked the same way.
    cursor = connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)
    with cursor:
        yield cursor


def instance_from(model: type[M], values: list | tuple) -> M:
    fields = tuple(model._meta.concrete_fields)
    return model.from_db(connection.alias, [f.attname for f in fields], read_as_orm(fields, values))


def split_row(row: tuple, *models: type[models.Model]) -> list[models.Model | None]:
    """One row of `SELECT {columns(A)}, {columns(B)} ... LEFT JOIN ...` as an A and a B; None for a
    model whose columns are all NULL (no match on its side of an outer join)."""
    found, start = [], 0
    for model in models:
        width = len(model._meta.concrete_fields)
        values = row[start : start + width]
        found.append(None if values[0] is None else instance_from(model, values))
        start += width
    return found


def rows_as(model: type[M], sql: str, params: list) -> list[M]:
    """Instances of `model` from SQL that selects `columns(model)`."""
    with planned_once() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [instance_from(model, row) for row in rows]


@cache
def _insert_sql(model: type[models.Model]) -> tuple[str, tuple[models.Field, ...]]:
    fields = tuple(f for f in model._meta.concrete_fields if not f.primary_key)
    quote = connection.ops.quote_name
    names = ", ".join(quote(column(f)) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table, pk = quote(model._meta.db_table), quote(column(model._meta.pk))
    return f"INSERT INTO {table} ({names}) VALUES ({placeholders}) RETURNING {pk}", fields  # noqa: S608


def insertable(model: type[models.Model]) -> bool:
    """Whether `insert_statement` may write the model by hand: prepared statements on, the model
    has no `save()` of its own (which a hand-written INSERT would skip), and nothing listens for
    its saves."""
    listened = signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model)
    return prepared_statements() and model.save is models.Model.save and not listened


def insert_statement(instance: models.Model) -> tuple[str, list[Any]]:
    """`INSERT ... RETURNING id` for a new instance, with its values as `save()` would write them
    (defaults, `auto_now`), to run alone or inside a larger statement. Mark it stored with `inserted`."""
    sql, fields = _insert_sql(type(instance))
    return sql, [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]


def inserted(instance: M, pk: int) -> M:
    instance.pk = pk
    instance._state.adding, instance._state.db = False, connection.alias
    return instance
