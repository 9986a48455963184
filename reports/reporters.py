"""Reporters: trusted flaggers (DSA Art. 22) and the answer to manifestly unfounded notices
(DSA Art. 23): a warning first, then a suspension from filing, each with a notice saying why."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from hub.models import Account
from hubmod.actors import SYSTEM, Actor
from hubmod.audit import log as audit
from hubmod.errors import ApplicationError
from hubmod.staff.models import StaffToken
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


@transaction.atomic
def reporter_credential_issue(
    *,
    email: str,
    actor: Actor,
    name: str = "",
    note: str = "",
    password: str | None = None,
    hub_account: str = "",
) -> tuple[Reporter, str]:
    """Make `email` a trusted flagger that files with a login of its own; returns a new API token.

    The login is a Django user with no role (it can file and nothing else): its personal token
    is the API credential, its password (if given) a session on the report form. `hub_account`
    also trusts what a hub key forwards on behalf of that hub account. A typed address confers
    nothing: that is the point of issuing a credential.
    """
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ApplicationError("Not an e-mail address.", field_errors={"email": list(exc.messages)}) from exc
    reporter, _ = Reporter.objects.select_for_update().get_or_create(email=email.lower(), defaults={"name": name[:200]})
    linked = None
    if hub_account:
        linked = Account.objects.filter(handle=hub_account).first()
        if linked is None:
            raise ApplicationError(
                "Unknown hub account.", field_errors={"hub_account": [f"The hub has no account '{hub_account}'."]}
            )
    user = reporter.user or get_user_model().objects.create(username=f"flagger-{reporter.pk}")
    if password:
        user.set_password(password)
    elif not user.has_usable_password():
        user.set_unusable_password()
    user.save()
    reporter.user = user
    reporter.trusted = True
    if note:
        reporter.trusted_note = note
    if linked is not None:
        reporter.hub_account = linked
    reporter.save(update_fields=["user", "trusted", "trusted_note", "hub_account", "updated_at"])
    token_row, token = StaffToken.objects.create_key(name=f"trusted flagger {reporter.pk}", user=user)
    audit.record(
        actor=actor,
        verb="reporter.credential_issued",
        target=reporter,
        data={"token": token_row.prefix, "hub_account": linked.handle if linked else None},
    )
    return reporter, token


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
