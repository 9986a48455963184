"""Thin Celery tasks for scanning: take a digest, call the service."""

from celery import shared_task

from scanning.services import file_scan_run


@shared_task(name="scanning.file_scan", acks_late=True)
def file_scan(sha256: str) -> str:
    return file_scan_run(sha256=sha256)
