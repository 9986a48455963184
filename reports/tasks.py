from celery import shared_task

from reports.notices import report_receipt_send


@shared_task(
    name="reports.report_receipt_send", acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=10
)
def report_receipt_send_task(report_id: int, receipt: str) -> None:
    report_receipt_send(report_id=report_id, receipt=receipt)
