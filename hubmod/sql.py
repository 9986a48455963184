"""Hand-written SQL for the few hot paths, read back into model instances as the ORM would.

Each report runs a handful of look-ups; composing them with the ORM (and even `Model.objects.raw`,
which maps columns to fields anew on every call) costs several times what PostgreSQL spends
answering them. Here a query selects `columns(Model)`, and the rows map onto fields by position.
"""

from __future__ import annotations

from functools import cache
from typing import TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)


@cache
def columns(model: type[models.Model]) -> str:
    """The model's columns, in the order `rows_as` reads them: `SELECT {columns(Case)} FROM ...`."""
    table = connection.ops.quote_name(model._meta.db_table)
    return ", ".join(f"{table}.{connection.ops.quote_name(field.column)}" for field in model._meta.concrete_fields)


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


def read_as_orm(fields: tuple[models.Field, ...], row: tuple) -> list:
    """One row of hand-written SQL whose columns are `fields`, converted as the ORM would."""
    values = list(row)
    for index, functions in _converters(fields, connection.vendor):
        for convert in functions:
            values[index] = convert(values[index], None, connection)
    return values


def rows_as(model: type[M], sql: str, params: list) -> list[M]:
    """Instances of `model` from SQL that selects `columns(model)`."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    fields = tuple(model._meta.concrete_fields)
    attnames = [field.attname for field in fields]
    return [model.from_db(connection.alias, attnames, read_as_orm(fields, row)) for row in rows]
