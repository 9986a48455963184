"""The starter license catalogue `manage.py seed` loads (rows a hub admin edited keep their edits)."""

from hubmod.actors import SYSTEM
from licenses.catalogue import CATALOGUE
from licenses.services import catalogue_load


def seed() -> None:
    catalogue_load(actor=SYSTEM, specs=CATALOGUE)
