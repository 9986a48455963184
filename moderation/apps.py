from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        # Register the tasks in every process, so services can dispatch them by name.
        from moderation import tasks  # noqa: F401
