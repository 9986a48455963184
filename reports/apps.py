from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Report intake"

    def ready(self) -> None:
        # Register the tasks in every process, so services can dispatch them by name.
        from reports import tasks  # noqa: F401
