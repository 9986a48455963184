"""System checks of the feed's signing key: a warning in development, an error in a deployment."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

HINT = "Set REVOCATION_SIGNING_KEY to the output of `python manage.py revocation_keygen`."


@register(Tags.security)
def revocation_development_key_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.REVOCATION_SIGNING_KEY or not settings.DEBUG:
        return []
    return [
        Warning(
            "REVOCATION_SIGNING_KEY is unset: the revocation feed is signed with a development key derived "
            "from SECRET_KEY, which nobody should pin.",
            hint=HINT,
            id="revocations.W001",
        )
    ]


# A deployment check (`manage.py check --deploy`): with DEBUG off every other command still runs
# (migrations, the tests' own settings) while the deployment's check refuses the derived key.
@register(Tags.security, deploy=True)
def revocation_signing_key_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.REVOCATION_SIGNING_KEY or settings.DEBUG:
        return []
    return [
        Error(
            "REVOCATION_SIGNING_KEY is unset with DEBUG off: the revocation feed would be signed with a key "
            "derived from SECRET_KEY, and mirrors would pin a key that is not meant to be published.",
            hint=HINT,
            id="revocations.E001",
        )
    ]
