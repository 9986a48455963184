"""Hub events other than enforcement (review outcomes, release stage changes): the outbox.

Written in the transaction that caused them and delivered after commit by the same signed,
retried webhook as enforcement, with a `webhook-id` that never changes, so the hub applies each
once however often it is delivered.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hub.client import HubClient, delivery_record
from hub.models import HubEvent, Repository
from hubmod.actors import SYSTEM, Actor
from hubmod.audit import log as audit
from hubmod.errors import NotFound
from hubmod.tasks import dispatch_now, dispatch_on_commit


def hub_event_emit(*, type: str, repository: Repository, data: dict) -> HubEvent:
    """Queue one event for the hub. Caller holds the transaction."""
    event = HubEvent(type=type, repository=repository)
    event.payload = {
        "type": type,
        "subject": {"type": "repository", "id": repository.full_name},
        **data,
        "created_at": timezone.now().isoformat(),
    }
    event.save()
    audit.record(actor=SYSTEM, verb="hubevent.queued", target=event, data={"type": type})
    dispatch_on_commit("hub.hub_event_deliver", event.pk)
    return event


def hub_event_deliver(*, event_id: int, client: HubClient | None = None) -> float | None:
    """Send one pending event; returns seconds to the next attempt, or None when done."""
    event = HubEvent.objects.filter(pk=event_id, state=HubEvent.State.PENDING).first()
    if event is None:
        return None
    result = (client or HubClient()).send(msg_id=f"msg_{event.idempotency_key.hex}", payload=event.payload)
    with transaction.atomic():
        event = HubEvent.objects.select_for_update().get(pk=event_id)
        if event.state != HubEvent.State.PENDING:
            return None
        return delivery_record(event, result, delivered="mark_delivered")


@transaction.atomic
def hub_event_retry(*, event_id: int, actor: Actor) -> HubEvent:
    event = HubEvent.objects.select_for_update().filter(pk=event_id).first()
    if event is None:
        raise NotFound("No hub event has this id.")
    audit.transition(event, "retry", actor=actor, at=timezone.now())
    dispatch_on_commit("hub.hub_event_deliver", event.pk)
    return event


def hub_events_sweep() -> int:
    """Re-dispatch pending events the broker lost or whose retry came due; run by beat."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.ENFORCEMENT_SWEEP_AFTER_SECONDS)
    pending = HubEvent.objects.filter(state=HubEvent.State.PENDING)
    due = pending.filter(next_attempt_at__lt=cutoff) | pending.filter(
        next_attempt_at__isnull=True, created_at__lt=cutoff
    )
    ids = list(due.values_list("pk", flat=True)[:1000])
    for pk in ids:
        dispatch_now("hub.hub_event_deliver", pk)
    return len(ids)
