"""The staff role groups and their permissions (`manage.py seed`)."""

from hubmod.staff.services import roles_sync


def seed() -> None:
    roles_sync()
