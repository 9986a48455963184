from django.apps import AppConfig


class PolicyConfig(AppConfig):
    """The hub's policy: versions, sections, the SLA table, the strike ladder, notice templates."""

    name = "policy"
    verbose_name = "Hub policy"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from policy.models import SlaRule
        from policy.sla import sla_rules_forget

        # An edit in the admin reaches this process's cached SLA table at once (policy.sla).
        for signal in (post_save, post_delete):
            signal.connect(lambda **kwargs: sla_rules_forget(), sender=SlaRule, weak=False, dispatch_uid=signal)
