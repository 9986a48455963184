from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        # Register the tasks in every process, so services can dispatch them by name.
        from prometheus_client import REGISTRY

        from hubmod import hooks
        from moderation import receivers, tasks  # noqa: F401

        hooks.connect(hooks.repository_synced, receivers.repository_synced, uid="moderation.repository_synced")
        from moderation.metrics import ModerationCollector

        if not any(isinstance(c, ModerationCollector) for c in list(REGISTRY._collector_to_names)):
            REGISTRY.register(ModerationCollector())
