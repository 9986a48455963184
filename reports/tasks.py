"""Thin Celery tasks for intake: take ids, call a service."""

from celery import shared_task

from reports import hash_scan, reporters, retention
from reports.notices import report_receipt_send


@shared_task(
    name="reports.report_receipt_send", acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=10
)
def report_receipt_send_task(report_id: int, receipt: str) -> None:
    report_receipt_send(report_id=report_id, receipt=receipt)


@shared_task(name="reports.reporters_review_unfounded", acks_late=True, autoretry_for=(OSError,), max_retries=5)
def reporters_review_unfounded(case_id: int) -> None:
    reporters.reporters_review_unfounded(case_id=case_id)


@shared_task(name="reports.repository_scan_files", acks_late=True)
def repository_scan_files(repository_id: int) -> int:
    return len(hash_scan.repository_scan_files(repository_id=repository_id))


@shared_task(name="reports.hash_list_scan", acks_late=True)
def hash_list_scan(hash_list_id: int) -> int:
    return hash_scan.hash_list_scan(hash_list_id=hash_list_id)


@shared_task(name="reports.evidence_purge_expired", acks_late=True)
def evidence_purge_expired() -> int:
    return retention.evidence_purge_expired()
