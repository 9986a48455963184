"""`manage.py seed`: every app's defaults, loaded lowest layer first (idempotent).

An app that ships defaults has a `seed` module with a `seed()` function; this module finds them
the way Django's admin finds `admin` modules, in INSTALLED_APPS order (which is the layer order),
so the ground imports no app built on it.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.db import transaction


def seed_modules() -> list:
    found = []
    for app_config in apps.get_app_configs():
        name = f"{app_config.name}.seed"
        if app_config.name != "hubmod" and find_spec(name) is not None:
            found.append(import_module(name))
    return found


@transaction.atomic
def seed() -> list[str]:
    """Load every app's defaults; returns the apps seeded, in order."""
    seeded = []
    for module in seed_modules():
        module.seed()
        seeded.append(module.__name__.rsplit(".", 1)[0])
    return seeded
