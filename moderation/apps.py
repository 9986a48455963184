from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        # Register the tasks in every process, so services can dispatch them by name.
        from prometheus_client import REGISTRY

        from moderation import tasks  # noqa: F401
        from moderation.metrics import ModerationCollector

        if not any(isinstance(c, ModerationCollector) for c in list(REGISTRY._collector_to_names)):
            REGISTRY.register(ModerationCollector())
