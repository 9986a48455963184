"""Thin Celery tasks for scanning: take a digest, call the service. All on scanning's own queue
(settings.CELERY_TASK_ROUTES)."""

from celery import shared_task

from scanning.services import file_scan_run, scans_outdated_sweep


@shared_task(name="scanning.file_scan", acks_late=True)
def file_scan(sha256: str) -> str:
    return file_scan_run(sha256=sha256)


@shared_task(name="scanning.scans_outdated_sweep")
def scans_outdated_sweep_task() -> int:
    return scans_outdated_sweep()
