"""System checks of hubmod's own deployment settings, run by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def metrics_token_check(app_configs, **kwargs) -> list[Warning]:
    if settings.METRICS_TOKEN:
        return []
    return [
        Warning(
            "METRICS_TOKEN is not set: /metrics shows the queue, appeals and enforcement figures to anyone.",
            hint="Set METRICS_TOKEN and give Prometheus the same token as a bearer credential.",
            id="hubmod.W001",
        )
    ]
