"""Thin Celery tasks for the hub catalogue: deliver outbox events, sweep the ones left behind."""

from celery import shared_task

from hub import events


@shared_task(name="hub.hub_event_deliver", bind=True, acks_late=True, max_retries=None)
def hub_event_deliver(self, event_id: int) -> None:
    retry_in = events.hub_event_deliver(event_id=event_id)
    if retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=retry_in)
    # Run eagerly (inside a web request), a retry is left to the beat sweeper.


@shared_task(name="hub.hub_events_sweep")
def hub_events_sweep() -> int:
    return events.hub_events_sweep()
