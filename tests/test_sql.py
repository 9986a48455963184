"""Hand-written SQL on the hot paths reads rows back exactly as the ORM would."""

import pytest

from hub.models import Repository
from hubmod.sql import columns, rows_as
from tests.factories import RepositoryFactory


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


@pytest.mark.django_db
def test_a_row_read_by_hand_equals_the_orms_instance_field_by_field():
    made = RepositoryFactory(capability_tags=["text-generation", "code"], card="# Card\n")

    [read] = rows_as(Repository, f"SELECT {columns(Repository)} FROM hub_repository WHERE id = %s", [made.pk])

    assert _fields(read) == _fields(Repository.objects.get(pk=made.pk))
    assert read.owner == made.owner
    assert not read._state.adding


@pytest.mark.django_db
def test_no_row_is_an_empty_list():
    assert (
        rows_as(
            Repository, f"SELECT {columns(Repository)} FROM hub_repository WHERE full_name = %s", ["nobody/nothing"]
        )
        == []
    )


@pytest.mark.django_db
def test_a_report_written_by_hand_reads_back_as_the_orm_would_have_saved_it(seeded):
    from django.db import connection

    from hubmod.sql import insert_statement, inserted
    from moderation.services.cases import case_for_report
    from reports.models import Report

    case = case_for_report(repository=RepositoryFactory(), account=None, category="spam").case
    written = Report(case=case, category="spam", source="api", subject_type="repository",
                     subject_ref=case.repository.full_name, details={"explanation": "x"}, reporter_key="k" * 64)  # fmt: skip
    sql, params = insert_statement(written)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        inserted(written, cursor.fetchone()[0])

    stored = Report.objects.get(pk=written.pk)
    assert _fields(stored) == _fields(written)  # defaults and auto_now, as save() sets them
    assert stored.created_at is not None
    assert not written._state.adding


def test_a_model_with_a_save_of_its_own_is_never_written_by_hand():
    from hubmod.sql import insertable

    assert not insertable(Repository)  # its save() derives the full name from the owner's handle
