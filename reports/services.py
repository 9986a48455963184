"""Intake: every report, from any door, is filed here."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from rest_framework.exceptions import ValidationError

from hub.models import Account, Repository
from hubmod.actors import Actor
from hubmod.audit import log as audit
from hubmod.errors import ApplicationError
from hubmod.receipts import receipt_digest, receipt_new
from hubmod.tasks import dispatch_on_commit
from moderation.services.cases import case_for_report
from reports.categories import category_get
from reports.models import Report
from reports.serializers import details_validate


@dataclass(frozen=True)
class Subject:
    type: str
    id: str
    revision: str = ""


@dataclass(frozen=True)
class Reporter:
    name: str = ""
    email: str = ""


def _subject_rows(subject: Subject) -> tuple[Repository | None, Account | None]:
    if subject.type == "repository":
        repository = Repository.objects.filter(full_name=subject.id).first()
        if repository is None:
            raise ApplicationError(
                "Unknown repository.",
                field_errors={"subject": [f"The hub has no repository '{subject.id}'. Use owner/name as on the hub."]},
            )
        return repository, None
    account = Account.objects.filter(handle=subject.id).first()
    if account is None:
        raise ApplicationError(
            "Unknown account.", field_errors={"subject": [f"The hub has no account '{subject.id}'."]}
        )
    return None, account


@transaction.atomic
def report_file(
    *,
    actor: Actor,
    subject: Subject,
    category: str,
    details: dict,
    reporter: Reporter,
    source: str,
    on_behalf_of: str = "",
) -> tuple[Report, str]:
    """Validate and store one report, attach it to its case, and return it with its receipt."""
    spec = category_get(category)
    if spec is None:
        raise ApplicationError(
            "Unknown category.", field_errors={"category": [f"'{category}' is not a report category."]}
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
    repository, account = _subject_rows(subject)
    if spec.check is not None:
        problems = spec.check(cleaned, repository or account)
        if problems:
            raise ApplicationError("The report does not fit its subject.", field_errors={"details": problems})
    case, opened = case_for_report(repository=repository, account=account, category=category, revision=subject.revision)
    receipt = receipt_new()
    report = Report.objects.create(
        case=case,
        category=category,
        source=source,
        subject_type=subject.type,
        subject_ref=subject.id,
        revision=subject.revision,
        details=cleaned,
        reporter_name=reporter.name,
        reporter_email=reporter.email,
        on_behalf_of=on_behalf_of,
        receipt_digest=receipt_digest(receipt),
    )
    audit.record(actor=actor, verb="report.filed", target=report, data={"case": case.pk, "source": source})
    if opened:
        audit.record(actor=actor, verb="case.opened", target=case, data={"category": category, "report": report.pk})
    if reporter.email:
        dispatch_on_commit("reports.report_receipt_send", report.pk, receipt)
    return report, receipt
