"""Thin Celery tasks for transparency: the daily rollups and submissions to the DSA Transparency Database."""

from celery import shared_task

from transparency.rollups import transparency_rollup_due
from transparency.tdb import statements_submit_batch


@shared_task(name="transparency.statements_submit", acks_late=True)
def statements_submit() -> int:
    return statements_submit_batch().created


@shared_task(name="transparency.rollup", acks_late=True)
def transparency_rollup() -> int:
    return transparency_rollup_due()
