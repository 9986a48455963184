from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        # Register the tasks in every process, so services can dispatch them by name.
        from django.db.models.signals import post_delete, post_save
        from prometheus_client import REGISTRY

        from moderation import tasks  # noqa: F401
        from moderation.metrics import ModerationCollector
        from moderation.models import SlaRule
        from moderation.sla import sla_rules_forget

        for signal in (post_save, post_delete):
            signal.connect(lambda **kwargs: sla_rules_forget(), sender=SlaRule, weak=False, dispatch_uid=signal)

        if not any(isinstance(c, ModerationCollector) for c in list(REGISTRY._collector_to_names)):
            REGISTRY.register(ModerationCollector())
