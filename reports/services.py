"""Intake: every report, from any door, is filed here."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models.fields.json import KT
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from hub.models import Account, NameReservation, Repository, RepositoryFile
from hubmod.actors import SYSTEM, Actor
from hubmod.audit import log as audit
from hubmod.errors import ApplicationError, Forbidden
from hubmod.receipts import receipt_digest, receipt_new
from hubmod.sql import insert_statement, insertable, inserted, planned_once
from hubmod.tasks import dispatch_on_commit
from moderation.models import OPEN_CASE_STATES
from moderation.services.cases import SubjectCases, case_for_report, case_mark_surge, repository_with_cases
from reports.categories import category_get
from reports.evidence import EvidenceFile, evidence_store
from reports.models import Evidence, Report, Reporter
from reports.queries import STORE_SQL, SURGE_SQL
from reports.serializers import details_validate


@dataclass(frozen=True)
class Subject:
    type: str
    id: str
    revision: str = ""
    path: str = ""
    lines: tuple[int, int] | None = None
    sha256: str = ""


@dataclass(frozen=True)
class ReporterIdentity:
    name: str = ""
    email: str = ""


@dataclass(frozen=True)
class Origin:
    """Where a report came from: the door, and who is behind it as far as we can tell."""

    source: str
    client_address: str = ""
    on_behalf_of: str = ""
    evidence: list[EvidenceFile] = field(default_factory=list)
    # The reporter's language (the page's or the request's); their notices follow it.
    language: str = ""


def _digest(kind: str, value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def reporter_key(*, identity: ReporterIdentity, origin: Origin) -> str:
    """Who is behind a report, as an opaque digest: the hub user, the e-mail, or the address."""
    if origin.on_behalf_of:
        return _digest("hub-user", origin.on_behalf_of)
    if identity.email:
        return _digest("email", identity.email.lower())
    return _digest("address", origin.client_address)


def _subject_rows(subject: Subject, category: str) -> tuple[Repository | None, Account | None, SubjectCases | None]:
    """The subject's row; for a repository, with its cases in the category, read in the same query."""
    if subject.type == "repository":
        repository, cases = repository_with_cases(subject.id, category)
        if repository is None:
            raise ApplicationError(
                "Unknown repository.",
                field_errors={"subject": [f"The hub has no repository '{subject.id}'. Use owner/name as on the hub."]},
            )
        return repository, None, cases
    account = Account.objects.filter(handle=subject.id).first()
    if account is None:
        raise ApplicationError(
            "Unknown account.", field_errors={"subject": [f"The hub has no account '{subject.id}'."]}
        )
    return None, account, None


def _file_digest(repository: Repository | None, subject: Subject) -> str:
    """The digest of the reported file in the repository's file list, when the report is about the
    revision that list describes. Kept on the report, it lets a remediation be judged by the bytes:
    the same file under a new name is not gone."""
    if repository is None or not subject.path:
        return ""
    if subject.revision and not repository.revision.startswith(subject.revision):
        return ""  # an older revision: its file list is not ours to read
    found = RepositoryFile.objects.filter(repository=repository, path=subject.path).values_list("sha256", flat=True)
    return found.first() or ""


def _flagger_for(*, actor: Actor, origin: Origin) -> Reporter | None:
    """The trusted flagger behind a report, proven by how it was filed: signed in with the flagger's
    own login (its API token, or a session on the form), or forwarded by a hub key on behalf of the
    hub account linked to it. Never found from what the report says about its sender."""
    if actor.kind == "staff" and actor.user is not None:
        return Reporter.objects.filter(user=actor.user).first()
    if actor.kind == "hub" and origin.on_behalf_of:
        return Reporter.objects.filter(hub_account__handle=origin.on_behalf_of).first()
    return None


def _refuse_if_suspended(reporter: Reporter) -> None:
    if reporter.suspended_until and reporter.suspended_until > timezone.now():
        raise Forbidden(
            f"You may not file reports until {reporter.suspended_until:%Y-%m-%d %H:%M} UTC: "
            f"{reporter.suspension_reason} To contest this, reply to the notice we sent you."
        )


def _reporter_for(identity: ReporterIdentity, *, flagger: Reporter | None) -> Reporter | None:
    if flagger is not None:
        _refuse_if_suspended(flagger)
        return flagger
    if not identity.email:
        return None
    reporter, _ = Reporter.objects.get_or_create(email=identity.email.lower(), defaults={"name": identity.name[:200]})
    _refuse_if_suspended(reporter)
    if reporter.trusted or reporter.user_id or reporter.hub_account_id:
        # Anyone can type a trusted flagger's address. Linked to its record, the report would be
        # counted as theirs (priority, the DSA's trusted-flagger source): it stays an ordinary one.
        return None
    return reporter


@dataclass(frozen=True)
class Stored:
    # Distinct reporters of the case in the surge window with this report; None when not counted.
    distinct_reporters: int | None
    head: audit.Head | None  # the chain's head, locked; None where it was not read


def _store(report: Report, *, count_surge: bool) -> Stored:
    """Insert the report; count its case's reporters in the surge window if asked; lock the chain."""
    since = timezone.now() - timedelta(minutes=settings.SURGE_WINDOW_MINUTES)
    surge_params: list[Any] = [report.case_id, report.reporter_key, since, report.case_id, since]
    if not insertable(Report):
        distinct = None
        if count_surge:  # counted before the insert, as the single statement counts it
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {SURGE_SQL}", surge_params)
                (distinct,) = cursor.fetchone()
        report.save(force_insert=True)
        return Stored(distinct, None)
    insert_sql, params = insert_statement(report)
    sql = STORE_SQL.format(insert=insert_sql, surge=SURGE_SQL if count_surge else "NULL")
    with planned_once() as cursor:
        cursor.execute(sql, params + (surge_params if count_surge else []))
        pk, seq, head_hash, distinct = cursor.fetchone()
    inserted(report, pk)
    return Stored(distinct, audit.Head(seq, head_hash) if seq is not None else None)


@transaction.atomic
def report_file(
    *,
    actor: Actor,
    subject: Subject,
    category: str,
    details: dict[str, Any],
    reporter: ReporterIdentity,
    origin: Origin,
    outcome_sought: str = "",
) -> tuple[Report, str]:
    """Validate and store one report, attach it to its case, and return it with its receipt.
    `outcome_sought` is what the reporter asks for (Report.Outcome), if they said."""
    spec = category_get(category)
    if spec is None:
        raise ApplicationError("Unknown category.", field_errors={"category": [f"'{category}' is not a category."]})
    if outcome_sought and outcome_sought not in Report.Outcome.values:
        choices = ", ".join(Report.Outcome.values)
        raise ApplicationError(
            "Unknown outcome.", field_errors={"outcome_sought": [f"'{outcome_sought}' is not one of {choices}."]}
        )
    if subject.type not in spec.subject_types:
        allowed = " or ".join(spec.subject_types)
        raise ApplicationError(
            "This category does not fit the subject.",
            field_errors={"category": [f"'{category}' reports are about a {allowed}, not an {subject.type}."]},
        )
    try:
        cleaned = details_validate(spec, details)
    except ValidationError as exc:
        raise ApplicationError("Some details are missing or malformed.", field_errors={"details": exc.detail}) from exc
    if spec.reporter_identity == "required" and not (reporter.name and reporter.email):
        raise ApplicationError(
            "This notice must say who sends it.",
            field_errors={"reporter": [f"Give your name and e-mail: the law requires them in a {spec.label} notice."]},
        )
    if origin.evidence and not spec.accepts_evidence:
        raise ApplicationError(
            "No attachments for this category.",
            field_errors={"evidence": ["Do not attach files to this report; describe where the content is instead."]},
        )
    repository, account, cases = _subject_rows(subject, category)
    if spec.check is not None:
        problems = spec.check(cleaned, repository or account)
        if problems:
            raise ApplicationError("The report does not fit its subject.", field_errors={"details": problems})
    flagger = _flagger_for(actor=actor, origin=origin)
    reporter_row = _reporter_for(reporter, flagger=flagger)
    if flagger is not None:
        reporter = ReporterIdentity(name=reporter.name or flagger.name, email=reporter.email or flagger.email)
        # The flagger's login is not staff: like any reporter's, its identity stays out of the
        # audit trail (staff see it on the report).
        actor = Actor.reporter() if not actor.has_perm("moderation.view_case") else actor
    attachment = case_for_report(
        repository=repository,
        account=account,
        category=category,
        revision=subject.revision,
        path=subject.path,
        evidence_files=len(origin.evidence),
        trusted=bool(reporter_row and reporter_row.trusted),
        known=cases,
    )
    case = attachment.case
    receipt = receipt_new()
    report = Report(
        case=case,
        category=category,
        source=origin.source,
        subject_type=subject.type,
        subject_ref=subject.id,
        revision=subject.revision,
        path=subject.path,
        line_start=subject.lines[0] if subject.lines else None,
        line_end=subject.lines[1] if subject.lines else None,
        file_sha256=(subject.sha256 or cleaned.get("sha256", "") or _file_digest(repository, subject)).lower(),
        details=cleaned,
        reporter=reporter_row,
        reporter_name=reporter.name,
        reporter_email=reporter.email,
        on_behalf_of=origin.on_behalf_of,
        language=origin.language[:16],
        outcome_sought=outcome_sought,
        reporter_key=reporter_key(identity=reporter, origin=origin),
        receipt_digest=receipt_digest(receipt),
    )
    stored = _store(
        report, count_surge=not attachment.opened and not attachment.joined_clean and case.surge_detected_at is None
    )
    for upload in origin.evidence:
        evidence_store(report=report, upload=upload)
    filed = audit.Entry(
        "report.filed",
        report,
        {"case": case.pk, "source": origin.source, "evidence": len(origin.evidence),
         "joined_clean_case": attachment.joined_clean},
    )  # fmt: skip
    opened = (
        [audit.Entry("case.opened", case, {"category": category, "report": report.pk})] if attachment.opened else []
    )
    # The chain's head has been locked since the report was stored, and stays locked to commit: the
    # events of this report, a surge's included, are chained after it in one statement.
    with audit.batched(head=stored.head):
        if stored.distinct_reporters is not None and stored.distinct_reporters >= settings.SURGE_DISTINCT_REPORTERS:
            case_mark_surge(
                case_id=report.case_id,
                actor=SYSTEM,
                distinct_reporters=stored.distinct_reporters,
                window_minutes=settings.SURGE_WINDOW_MINUTES,
            )
        audit.record_all(actor=actor, entries=[filed, *opened])
    if reporter.email:
        dispatch_on_commit("reports.report_receipt_send", report.pk, receipt)
    return report, receipt


@transaction.atomic
def report_add_evidence(*, report_id: int, actor: Actor, files: list[EvidenceFile]) -> list[Evidence]:
    report = Report.objects.select_for_update().get(pk=report_id)
    spec = category_get(report.category)
    if spec is None or not spec.accepts_evidence:
        raise ApplicationError(
            "No attachments for this category.",
            field_errors={"file": ["Do not attach files to this report; describe where the content is instead."]},
        )
    if report.evidence.count() + len(files) > settings.EVIDENCE_MAX_FILES:
        raise ApplicationError(
            "Too many files.", field_errors={"file": [f"A report holds at most {settings.EVIDENCE_MAX_FILES} files."]}
        )
    stored = [evidence_store(report=report, upload=upload) for upload in files]
    audit.record(actor=actor, verb="report.evidence_added", target=report, data={"files": [e.sha256 for e in stored]})
    return stored


def automated_report_file(
    *, repository: Repository, file: RepositoryFile, category: str, details: dict[str, Any], detector: str
) -> Report | None:
    """An automated report on one file of a repository (a hash-list match, an artifact scan), filed
    at most once per repository, path and content: a rescan files nothing twice. `detector` says
    what found it, e.g. "hash-list:3"; the report's source marks detection as automated."""
    already = Report.objects.filter(
        case__repository=repository, source=Report.Source.AUTOMATED, path=file.path, file_sha256=file.sha256
    ).exists()
    if already:
        return None
    report, _ = report_file(
        actor=SYSTEM,
        subject=Subject("repository", repository.full_name, repository.revision, path=file.path, sha256=file.sha256),
        category=category,
        details=details,
        reporter=ReporterIdentity(),
        origin=Origin(source=Report.Source.AUTOMATED, client_address=detector),
    )
    return report


def namespace_report_file(
    *, subject: Repository | Account, reservation: NameReservation, attempted: str
) -> Report | None:
    """An automated report on a sync that tried to give a reserved name to someone else: one per
    reservation while its case is open, however often the hub tries again."""
    is_repository = isinstance(subject, Repository)
    open_already = (
        Report.objects.filter(
            source=Report.Source.AUTOMATED,
            case__state__in=OPEN_CASE_STATES,
            **({"case__repository": subject} if is_repository else {"case__account": subject}),
        )
        .annotate(explanation=KT("details__explanation"))
        .filter(explanation__contains=f"(reservation {reservation.pk})")
        .exists()
    )
    if open_already:
        return None
    explanation = (
        f"The hub tried to sync {attempted}, a name reserved until {reservation.reserved_until:%Y-%m-%d} because "
        f'{reservation.get_reason_display()}. hubmod kept what it holds and answered "namespace": "reserved": '
        f"check whether the name may go to someone else, and release it (Console, Names) only if so "
        f"(reservation {reservation.pk})."
    )
    report, _ = report_file(
        actor=SYSTEM,
        subject=Subject(
            "repository" if is_repository else "account",
            subject.full_name if isinstance(subject, Repository) else subject.handle,
        ),
        category="other",
        details={"explanation": explanation},
        reporter=ReporterIdentity(),
        origin=Origin(source=Report.Source.AUTOMATED, client_address="namespace"),
    )
    return report
