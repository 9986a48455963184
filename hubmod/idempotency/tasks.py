"""The periodic sweep of stored answers."""

from celery import shared_task

from hubmod.idempotency.api import idempotency_keys_expire


@shared_task(name="idempotency.keys_expire", acks_late=True)
def idempotency_keys_expire_task() -> int:
    return idempotency_keys_expire()
