from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = "Hub catalogue"

    def ready(self) -> None:
        # Register the tasks in every process, so services can dispatch them by name.
        from hub import tasks  # noqa: F401
