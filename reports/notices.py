from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from hubmod.i18n import notice_language
from reports.models import Report


def status_url(report: Report, receipt: str) -> str:
    return f"{settings.BASE_URL}{reverse('report-status', args=[report.pk])}?{urlencode({'receipt': receipt})}"


def report_receipt_send(*, report_id: int, receipt: str) -> None:
    report = Report.objects.get(pk=report_id)
    context = {"report": report, "receipt": receipt, "status_url": status_url(report, receipt)}
    # In the language the reporter filed in.
    with translation.override(notice_language(report.language)):
        subject = _("We received your report about %(subject)s (report %(id)s)") % {
            "subject": report.subject_ref,
            "id": report.pk,
        }
        message = render_to_string("reports/email/receipt.txt", context)
    send_mail(subject=subject, message=message, from_email=None, recipient_list=[report.reporter_email])
