"""Hand-written SQL for the few hot paths, read back into model instances as the ORM would.

Each report runs a handful of look-ups; composing them with the ORM (and even `Model.objects.raw`,
which maps columns to fields anew on every call) costs several times what PostgreSQL spends
answering them. Here the mapping is worked out once per model and column list.
"""

from __future__ import annotations

from functools import cache
from typing import TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)


@cache
def _reader(model: type[models.Model], columns: tuple[str, ...], vendor: str):
    """Where each of the model's fields sits in the row, and the converters the ORM would apply."""
    position = {column: index for index, column in enumerate(columns)}
    fields = model._meta.concrete_fields  # from_db takes values in this order
    order = [position[field.column] for field in fields]
    converters = []
    for index, field in enumerate(fields):
        col = field.get_col(model._meta.db_table)
        found = [*connection.ops.get_db_converters(col), *col.get_db_converters(connection)]
        if found:
            converters.append((index, found))
    return [field.attname for field in fields], order, converters


def rows_as(model: type[M], sql: str, params: list) -> list[M]:
    """Instances of `model` from SQL selecting whole rows of its table (`SELECT * FROM ...`)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = tuple(column[0] for column in cursor.description)
        rows = cursor.fetchall()
    attnames, order, converters = _reader(model, columns, connection.vendor)
    instances = []
    for row in rows:
        values = [row[index] for index in order]
        for index, found in converters:
            for converter in found:
                values[index] = converter(values[index], None, connection)
        instances.append(model.from_db(connection.alias, attnames, values))
    return instances
