from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "Proactive review"

    def ready(self) -> None:
        # Register the tasks in every process, so services can dispatch them by name.
        from prometheus_client import REGISTRY

        from hubmod import hooks
        from review import receivers, services, tasks  # noqa: F401

        hooks.connect(hooks.repository_synced, services.repository_synced, uid="review.repository_synced")
        hooks.connect(hooks.case_opened, receivers.case_opened, uid="review.case_opened")
        from review.metrics import ReviewCollector

        if not any(isinstance(c, ReviewCollector) for c in list(REGISTRY._collector_to_names)):
            REGISTRY.register(ReviewCollector())
