"""Thin Celery tasks for proactive review."""

from celery import shared_task

from review.services import notices, releases


@shared_task(name="review.release_case_opened", acks_late=True)
def release_case_opened(case_id: int) -> bool:
    return releases.release_case_opened(case_id=case_id)


@shared_task(name="review.releases_sweep")
def releases_sweep() -> int:
    return releases.releases_sweep()


@shared_task(name="review.review_notify", acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=10)
def review_notify(review_id: int) -> None:
    notices.review_notify(review_id=review_id)
