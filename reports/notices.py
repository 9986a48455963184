from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from reports.models import Report


def status_url(report: Report, receipt: str) -> str:
    return f"{settings.BASE_URL}{reverse('report-status', args=[report.pk])}?{urlencode({'receipt': receipt})}"


def report_receipt_send(*, report_id: int, receipt: str) -> None:
    report = Report.objects.get(pk=report_id)
    context = {"report": report, "receipt": receipt, "status_url": status_url(report, receipt)}
    send_mail(
        subject=f"We received your report about {report.subject_ref} (report {report.pk})",
        message=render_to_string("reports/email/receipt.txt", context),
        from_email=None,
        recipient_list=[report.reporter_email],
    )
