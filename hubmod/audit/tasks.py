"""Thin Celery tasks of the audit log: sign and publish its head (beat), send a checkpoint out."""

from celery import shared_task

from hubmod.audit import checkpoints


@shared_task(name="audit.checkpoint_publish", acks_late=True)
def checkpoint_publish() -> int | None:
    try:
        published = checkpoints.checkpoint_publish()
    except checkpoints.CheckpointRefused:
        # Logged as audit.checkpoint_refused: an operator must look, and retrying would not help.
        return None
    return published.checkpoint.seq if published else None


@shared_task(name="audit.checkpoint_send", bind=True, acks_late=True, max_retries=None)
def checkpoint_send(self, checkpoint_id: int) -> None:
    retry_in = checkpoints.checkpoint_send(checkpoint_id=checkpoint_id, attempt=self.request.retries)
    if retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=retry_in)
