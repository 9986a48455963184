from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "Proactive review"

    def ready(self) -> None:
        # Register the tasks in every process, so services can dispatch them by name.
        from prometheus_client import REGISTRY

        from review import tasks  # noqa: F401
        from review.metrics import ReviewCollector

        if not any(isinstance(c, ReviewCollector) for c in list(REGISTRY._collector_to_names)):
            REGISTRY.register(ReviewCollector())
