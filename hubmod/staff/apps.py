from django.apps import AppConfig


class StaffConfig(AppConfig):
    """Staff identity: the role groups, staff users and their personal API tokens."""

    name = "hubmod.staff"
    label = "staff"
    verbose_name = "Staff"
