"""Notices: the statement of reasons to the uploader, the outcome to reporters, appeal results.

Sent by tasks after commit. Reporters' addresses come through the case's reports and go only to
their own outcome e-mail; nothing about a reporter is ever put into an uploader's notice.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from hub.models import Account, Repository
from hub.selectors import repository_descendants
from hubmod.actors import SYSTEM
from hubmod.audit import log as audit
from hubmod.audit.models import AuditEvent
from hubmod.i18n import notice_language
from hubmod.tasks import dispatch_now
from moderation.models import Appeal, Decision, EnforcementAction
from moderation.selectors import automated_findings, notice_token_for
from policy.models import NoticeTemplate
from policy.notices import DEFAULT_NOTICES

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

NOTICE_SWEEP_AFTER = timedelta(minutes=5)


def render_notice(kind: str, context: dict[str, Any], *, language: str = "") -> tuple[str, str]:
    """Subject and body of a notice in the recipient's language (English when we do not write
    theirs): the hub admins' edited template for that language, or the shipped default."""
    language = notice_language(language)
    with translation.override(language):
        for lang in dict.fromkeys([language, settings.LANGUAGE_CODE]):
            custom = NoticeTemplate.objects.filter(kind=kind, language=lang).first()
            if custom is not None:
                return (
                    Template(custom.subject).render(Context(context, autoescape=False)).strip(),
                    Template(custom.body).render(Context(context, autoescape=False)),
                )
            if lang in DEFAULT_NOTICES[kind]:
                subject, template = DEFAULT_NOTICES[kind][lang]
                return (
                    Template(subject).render(Context(context, autoescape=False)).strip(),
                    render_to_string(template, context),
                )
    raise LookupError(f"No notice template for {kind}.")


def notice_url(decision: Decision) -> str:
    return f"{settings.BASE_URL}{reverse('notice', args=[notice_token_for(decision)])}"


def decision_notify(*, decision_id: int) -> None:
    """E-mail the uploader and the reporters once; a re-run after success sends nothing."""
    decision = (
        Decision.objects.select_related("case__repository__owner", "case__account")
        .prefetch_related("actions")
        .filter(pk=decision_id, notified_at__isnull=True)
        .first()
    )
    if decision is None:
        return
    case = decision.case
    uploader = case.uploader
    context = _decision_context(decision, notice_url=notice_url(decision))
    if decision.outcome == Decision.Outcome.ACTIONED and uploader.email:
        subject, body = render_notice(NoticeTemplate.Kind.STATEMENT_OF_REASONS, context, language=uploader.language)
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[uploader.email])
    # Each reporter in the language they reported in (their first report on the case, if several).
    reporter_languages: dict[str, str] = {}
    for email, language in case.reports.order_by("id").values_list("reporter_email", "language"):
        if email:
            reporter_languages.setdefault(email, notice_language(language))
    rendered: dict[str, tuple[str, str]] = {}
    for email in sorted(reporter_languages):
        language = reporter_languages[email]
        if language not in rendered:
            rendered[language] = render_notice(NoticeTemplate.Kind.REPORT_OUTCOME, context, language=language)
        subject, body = rendered[language]
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[email])
    with transaction.atomic():
        Decision.objects.filter(pk=decision_id, notified_at__isnull=True).update(notified_at=timezone.now())


def appeal_notify(*, appeal_id: int) -> None:
    appeal = Appeal.objects.select_related("decision__case__repository__owner", "decision__case__account").get(
        pk=appeal_id
    )
    if appeal.decided_at is None or appeal.appellant != Appeal.Appellant.UPLOADER:
        return
    uploader = appeal.decision.case.uploader
    if uploader.email:
        context = {"appeal": appeal, "decision": appeal.decision, "notice_url": notice_url(appeal.decision)}
        subject, body = render_notice(NoticeTemplate.Kind.APPEAL_OUTCOME, context, language=uploader.language)
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[uploader.email])


def _action_label(kind: str) -> StrOrPromise:
    return EnforcementAction.Kind(kind).label if kind in EnforcementAction.Kind.values else kind


def notices_sweep() -> int:
    """Re-dispatch decision notices the broker lost; run by beat. Returns how many."""
    cutoff = timezone.now() - NOTICE_SWEEP_AFTER
    ids = list(
        Decision.objects.filter(notified_at__isnull=True, created_at__lt=cutoff).values_list("pk", flat=True)[:1000]
    )
    for pk in ids:
        dispatch_now("moderation.decision_notify", pk)
    return len(ids)


def counter_notice_forward(*, appeal_id: int) -> None:
    """Send the counter-notice to the notifier(s), as 17 U.S.C. 512(g)(2)(B) requires."""
    appeal = Appeal.objects.select_related("decision__case").get(pk=appeal_id)
    case = appeal.decision.case
    emails = set()
    for email, details in case.reports.values_list("reporter_email", "details"):
        emails |= {e for e in (email, (details or {}).get("contact_email", "")) if e}
    notice = appeal.counter_notice
    body = render_to_string(
        "moderation/email/counter_notice.txt",
        {"appeal": appeal, "case": case, "notice": notice, "restore_after": appeal.restore_not_before},
    )
    for email in sorted(emails):
        send_mail(subject=f"Counter-notice about {case.subject}", message=body, from_email=None, recipient_list=[email])


def notice_preview(decision: Decision) -> tuple[str, str]:
    """Subject and body of the statement of reasons this (unsaved) decision would send its uploader:
    its link is signed only once the decision exists."""
    context = _decision_context(decision, notice_url=f"{settings.BASE_URL}/notices/…/")
    return render_notice(NoticeTemplate.Kind.STATEMENT_OF_REASONS, context, language=decision.case.uploader.language)


def _decision_context(decision: Decision, *, notice_url: str) -> dict[str, Any]:
    """What a decision's notices are rendered from."""
    case = decision.case
    return {
        "decision": decision,
        "case": case,
        "subject": case.subject,
        "notice_url": notice_url,
        "automated_findings": automated_findings(case) if decision.automated_detection else [],
        # Labels of the requested actions; lazy, so each notice shows them in its own language.
        "action_labels": [_action_label(kind) for kind in decision.requested_actions],
    }


# What reaches the owners of the repositories built on the one acted against.
UPSTREAM_KINDS = (EnforcementAction.Kind.REMOVE, EnforcementAction.Kind.QUARANTINE, EnforcementAction.Kind.DISABLE)


def lineage_inform(*, action_id: int) -> int:
    """Tell the owners of what is built on a repository removed, quarantined or disabled what
    changed and what it means for them: for information, no case and no strike (a moderator may
    still open one). Each owner once, in their language, naming their repositories; the uploader
    of the repository itself has its statement of reasons already. Returns how many were told."""
    action = EnforcementAction.objects.select_related("decision__case__repository__owner").get(pk=action_id)
    repository = action.decision.case.repository
    informed = AuditEvent.objects.filter(
        verb="lineage.informed", target_type="moderation.enforcementaction", target_id=str(action.pk)
    )
    if repository is None or action.kind not in UPSTREAM_KINDS or action.is_reversal or informed.exists():
        return 0
    built_on = [r.repository_id for r in repository_descendants(repository) if r.repository_id is not None]
    by_owner: dict[Account, list[str]] = {}
    for relative in Repository.objects.filter(pk__in=built_on).select_related("owner").order_by("full_name"):
        if relative.owner_id != repository.owner_id:
            by_owner.setdefault(relative.owner, []).append(relative.full_name)
    statement_url = settings.BASE_URL + reverse(
        "transparency-statement", args=[f"hubmod-decision-{action.decision_id}"]
    )
    told = 0
    for owner, names in sorted(by_owner.items(), key=lambda item: item[0].handle):
        if not owner.email:
            continue
        context = {"owner": owner, "upstream": repository.full_name, "repositories": names, "kind": action.kind,
                   "action_label": _action_label(action.kind), "applied_at": action.applied_at or timezone.now(),
                   "statement_url": statement_url}  # fmt: skip
        subject, body = render_notice(NoticeTemplate.Kind.UPSTREAM_ACTION, context, language=owner.language)
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[owner.email])
        told += 1
    audit.record(
        actor=SYSTEM, verb="lineage.informed", target=action,
        data={"owners": told, "repositories": sum(len(names) for names in by_owner.values())},
    )  # fmt: skip
    return told
