"""Statements of reasons in the format of the DSA Transparency Database's statement API.

Field names and allowed values follow the database's API documentation,
https://transparency.dsa.ec.europa.eu/page/api-documentation, and its explanation of the
attributes, https://transparency.dsa.ec.europa.eu/page/additional-explanation-for-statement-attributes.
Only decisions that restrict something produce a statement; dismissals do not.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.conf import settings
from django.urls import reverse

from moderation.models import Decision
from moderation.transparency.summary import _bounds

# The EU and EEA member states: the scope of a decision that applies everywhere.
EEA = [
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GR",
    "HR",
    "HU",
    "IE",
    "IS",
    "IT",
    "LI",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "NO",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
]

VISIBILITY = {
    "delist": "DECISION_VISIBILITY_CONTENT_DEMOTED",
    "disable": "DECISION_VISIBILITY_CONTENT_DISABLED",
    "remove_files": "DECISION_VISIBILITY_CONTENT_REMOVED",
    "remove": "DECISION_VISIBILITY_CONTENT_REMOVED",
    "gate": "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
    "label": "DECISION_VISIBILITY_CONTENT_LABELLED",
    "warn": "DECISION_VISIBILITY_OTHER",
}
CATEGORY = {
    "copyright": "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
    "illegal_content": "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
    "license_violation": "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
    "private_information": "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
    "malicious_code": "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
    "child_safety": "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
    "acceptable_use": "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
    "spam": "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
    "other": "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
}
CONTENT_TYPE = {"space": ("CONTENT_TYPE_APP", ""), "model": ("CONTENT_TYPE_OTHER", "AI model"),
                "dataset": ("CONTENT_TYPE_OTHER", "dataset")}  # fmt: skip
ILLEGAL_CATEGORIES = {"illegal_content", "copyright", "child_safety"}


def puid(decision: Decision) -> str:
    return f"hubmod-decision-{decision.pk}"


def _source_type(decision: Decision) -> str:
    first = decision.case.reports.select_related("reporter").order_by("id").first()
    if first is None or first.source == "automated":
        return "SOURCE_VOLUNTARY"
    if first.reporter is not None and first.reporter.trusted:
        return "SOURCE_TRUSTED_FLAGGER"
    if first.category == "illegal_content":
        return "SOURCE_ARTICLE_16"
    return "SOURCE_TYPE_OTHER_NOTIFICATION"


def statement_of_reasons(decision: Decision) -> dict:
    case = decision.case
    kinds = decision.requested_actions
    statement: dict = {"puid": puid(decision)}
    visibility = sorted({VISIBILITY[k] for k in kinds if k in VISIBILITY})
    if visibility:
        statement["decision_visibility"] = visibility
        if "DECISION_VISIBILITY_OTHER" in visibility:
            statement["decision_visibility_other"] = "A formal warning to the uploader."
    if "suspend_account" in kinds:
        statement["decision_account"] = "DECISION_ACCOUNT_SUSPENDED"
    if "restrict_account" in kinds:
        statement["decision_provision"] = "DECISION_PROVISION_PARTIAL_SUSPENSION"
    if case.category in ILLEGAL_CATEGORIES:
        legal = " ".join(str(r.details.get("legal_ground", "")) for r in case.reports.all()).strip()
        statement |= {
            "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT",
            "illegal_content_legal_ground": legal or ("Copyright law" if case.category == "copyright" else "Law"),
            "illegal_content_explanation": decision.statement,
        }
    else:
        statement |= {
            "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
            "incompatible_content_ground": decision.ground_label,
            "incompatible_content_explanation": decision.ground_text or decision.statement,
            "incompatible_content_illegal": "No",
        }
    statement["decision_ground_reference_url"] = settings.BASE_URL + (
        reverse("license-catalogue") if decision.license_clause_id else reverse("report-start")
    )
    statement["category"] = CATEGORY.get(case.category, "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE")
    if case.repository_id:
        content_type, other = CONTENT_TYPE.get(case.repository.kind, ("CONTENT_TYPE_OTHER", "repository"))
        content_date = case.repository.created_at.date()
    else:
        content_type, other, content_date = "CONTENT_TYPE_OTHER", "account", case.account.created_at.date()
    statement["content_type"] = [content_type]
    if other:
        statement["content_type_other"] = other
    statement |= {
        "content_date": content_date.isoformat(),
        "application_date": (decision.approved_at or decision.created_at).date().isoformat(),
        "territorial_scope": EEA,
        "source_type": _source_type(decision),
        "automated_detection": "Yes" if decision.automated_detection else "No",
        "automated_decision": "AUTOMATED_DECISION_FULLY"
        if decision.automated_decision
        else "AUTOMATED_DECISION_NOT_AUTOMATED",
        "decision_facts": decision.statement,
    }
    if decision.effective_until:
        end = decision.effective_until.date().isoformat()
        if visibility:
            statement["end_date_visibility_restriction"] = end
        if "restrict_account" in kinds or "suspend_account" in kinds:
            statement["end_date_account_restriction"] = end
    return statement


def statements_between(*, start: date, end: date) -> Iterator[dict]:
    since, until = _bounds(start, end)
    decisions = (
        Decision.objects.filter(
            created_at__gte=since,
            created_at__lt=until,
            outcome=Decision.Outcome.ACTIONED,
            approval=Decision.Approval.EFFECTIVE,
        )
        .select_related("case__repository", "case__account")
        .prefetch_related("case__reports")
        .order_by("id")
    )
    for decision in decisions.iterator(chunk_size=500):
        yield statement_of_reasons(decision)
