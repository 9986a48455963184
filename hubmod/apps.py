from django.apps import AppConfig


class HubmodConfig(AppConfig):
    """The ground every app stands on; an app for its management commands (`seed`) and templates."""

    name = "hubmod"
    verbose_name = "hubmod"
