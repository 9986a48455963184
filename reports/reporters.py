"""Reporters: trusted flaggers (DSA Art. 22) and the answer to manifestly unfounded notices
(DSA Art. 23): a warning first, then a suspension from filing, each with a notice saying why."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from hubmod.actors import SYSTEM, Actor
from hubmod.audit import log as audit
from reports.models import Reporter


@transaction.atomic
def reporter_set_trusted(*, reporter_id: int, actor: Actor, trusted: bool, note: str = "") -> Reporter:
    reporter = Reporter.objects.select_for_update().get(pk=reporter_id)
    reporter.trusted = trusted
    if note:
        reporter.trusted_note = note
    reporter.save(update_fields=["trusted", "trusted_note", "updated_at"])
    audit.record(actor=actor, verb="reporter.trusted" if trusted else "reporter.untrusted", target=reporter)
    return reporter


def _unfounded_count(reporter: Reporter) -> int:
    since = timezone.now() - timedelta(days=settings.UNFOUNDED_WINDOW_DAYS)
    return (
        reporter.reports.filter(case__decisions__dismissal_reason="unfounded", case__decisions__created_at__gte=since)
        .values("case_id")
        .distinct()
        .count()
    )


def reporters_review_unfounded(*, case_id: int) -> None:
    """After a case is dismissed as unfounded, warn or suspend the reporters who keep doing it."""
    for reporter_id in Reporter.objects.filter(reports__case_id=case_id).values_list("pk", flat=True).distinct():
        _review(reporter_id)


def _review(reporter_id: int) -> None:
    now = timezone.now()
    with transaction.atomic():
        reporter = Reporter.objects.select_for_update().get(pk=reporter_id)
        if reporter.trusted or (reporter.suspended_until and reporter.suspended_until > now):
            return
        count = _unfounded_count(reporter)
        if count >= settings.UNFOUNDED_SUSPEND_AFTER:
            reporter.suspended_until = now + timedelta(days=settings.UNFOUNDED_SUSPENSION_DAYS)
            reporter.suspension_reason = (
                f"{count} of your reports in the last {settings.UNFOUNDED_WINDOW_DAYS} days were manifestly "
                "unfounded (Digital Services Act, Art. 23)."
            )
            reporter.save(update_fields=["suspended_until", "suspension_reason", "updated_at"])
            audit.record(actor=SYSTEM, verb="reporter.suspended", target=reporter, data={"unfounded": count})
            subject = "You are suspended from filing reports"
            body = (
                f"Hello,\n\nWe will not process reports from you until {reporter.suspended_until:%Y-%m-%d %H:%M} "
                f"UTC. Why: {reporter.suspension_reason}\nWe warned you before. If you think this is wrong, reply "
                "to this e-mail and someone who took no part in the decision will look at it.\n"
            )
        elif count >= settings.UNFOUNDED_WARN_AFTER and reporter.warned_at is None:
            reporter.warned_at = now
            reporter.save(update_fields=["warned_at", "updated_at"])
            audit.record(actor=SYSTEM, verb="reporter.warned", target=reporter, data={"unfounded": count})
            subject = "About your reports"
            body = (
                f"Hello,\n\n{count} of your recent reports were manifestly unfounded. Filing reports that are "
                "clearly without basis is misuse under the Digital Services Act (Art. 23). If it goes on "
                f"({settings.UNFOUNDED_SUSPEND_AFTER} within {settings.UNFOUNDED_WINDOW_DAYS} days), we will "
                f"stop processing your reports for {settings.UNFOUNDED_SUSPENSION_DAYS} days.\n"
            )
        else:
            return
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[reporter.email])
