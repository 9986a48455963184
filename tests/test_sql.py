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
