from django.apps import AppConfig


class IdempotencyConfig(AppConfig):
    """Idempotency-Key handling for the POSTs that must not run twice (filing, appeals)."""

    name = "hubmod.idempotency"
    label = "idempotency"
    verbose_name = "Idempotent requests"
