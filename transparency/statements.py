"""Statements of reasons in the format of the DSA Transparency Database's statement API.

Field names, allowed values and limits follow the database's own rules as of
github.com/digital-services-act/transparency-database at commit
69e80a0bc8eb3cbfbe8246e898194c3bdf490a4b (2026-06-24): app/Http/Requests/StatementStoreRequest.php,
app/Services/GroupedSubmissionsService.php and the lists of app/Models/Statement.php. The database
dropped STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE (and the pornography and non-consensual
behaviour categories) on 1 July 2025 and added keywords (`category_specification`); a batch of 100
is refused whole when one statement breaks a rule, so every statement we make keeps to all of them.
Only decisions that restrict something produce a statement; dismissals do not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse

from hub.models import Repository
from moderation.models import Decision
from transparency.figures import case_reports
from transparency.summary import _bounds

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

if TYPE_CHECKING:
    pass

# The EU and EEA member states: the scope of a decision that applies everywhere.
EEA = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IS",
    "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
]  # fmt: skip

VISIBILITY = {
    "delist": "DECISION_VISIBILITY_CONTENT_DEMOTED",
    "disable": "DECISION_VISIBILITY_CONTENT_DISABLED",
    # Kept for the evidence, but nobody can reach it: disabled, in the database's words.
    "quarantine": "DECISION_VISIBILITY_CONTENT_DISABLED",
    "remove_files": "DECISION_VISIBILITY_CONTENT_REMOVED",
    "remove": "DECISION_VISIBILITY_CONTENT_REMOVED",
    # The revisions published through a compromised account are taken down.
    "rollback": "DECISION_VISIBILITY_CONTENT_REMOVED",
    "gate": "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
    "label": "DECISION_VISIBILITY_CONTENT_LABELLED",
    "warn": "DECISION_VISIBILITY_OTHER",
}


@dataclass(frozen=True)
class CategoryMapping:
    category: str
    keywords: tuple[str, ...] = ()
    # Said in `category_specification_other` when the keyword is KEYWORD_OTHER.
    keyword_other: str = ""


OTHER_TC = "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"
# Every hubmod report category (reports/categories.py) to the database's current list.
CATEGORY = {
    "copyright": CategoryMapping(
        "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS", ("KEYWORD_COPYRIGHT_INFRINGEMENT",)
    ),
    # The notice says which law the content breaks, not which of the database's kinds it is.
    "illegal_content": CategoryMapping("STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE"),
    "license_violation": CategoryMapping(
        OTHER_TC, ("KEYWORD_OTHER",), "Breach of the terms of the licence the repository is published under"
    ),
    "private_information": CategoryMapping(
        "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS", ("KEYWORD_MISSING_PROCESSING_GROUND",)
    ),
    "malicious_code": CategoryMapping(
        "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY", ("KEYWORD_OTHER",), "Malicious code in published files"
    ),
    "child_safety": CategoryMapping(
        "STATEMENT_CATEGORY_PROTECTION_OF_MINORS", ("KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL",)
    ),
    "acceptable_use": CategoryMapping(OTHER_TC, ("KEYWORD_OTHER",), "Breach of the hub's acceptable use policy"),
    "spam": CategoryMapping(OTHER_TC, ("KEYWORD_OTHER",), "Spam or manipulation of the hub's metrics"),
    "other": CategoryMapping(OTHER_TC, ("KEYWORD_OTHER",), "Breach of the hub's terms"),
}
FALLBACK_CATEGORY = CATEGORY["other"]
CONTENT_TYPE = {"space": ("CONTENT_TYPE_APP", ""), "model": ("CONTENT_TYPE_OTHER", "AI model"),
                "dataset": ("CONTENT_TYPE_OTHER", "dataset")}  # fmt: skip
ILLEGAL_CATEGORIES = {"illegal_content", "copyright", "child_safety"}

# The database's limits, in characters after it trims the text (StatementStoreRequest's `max:`).
LIMITS = {
    "decision_visibility_other": 500,
    "category_specification_other": 500,
    "content_type_other": 500,
    "illegal_content_legal_ground": 500,
    "illegal_content_explanation": 2000,
    "incompatible_content_ground": 500,
    "incompatible_content_explanation": 2000,
    "decision_facts": 5000,
}
# Its end dates may be no later than this; a later end is left out rather than misstated.
LAST_END_DATE = date(2038, 1, 1)
# The database trims these from both ends before it counts (Laravel's TrimStrings), and takes a
# text left empty as missing.
_TRIM = re.compile(r"^[\s\ufeff\u200b\u200e]+|[\s\ufeff\u200b\u200e]+$")

PAGE_SIZE = 1000


def puid(decision: Decision) -> str:
    return f"hubmod-decision-{decision.pk}"


def _shortened_note() -> str:
    # The notice page's link is the uploader's appeal credential (selectors.notice_token_for), so a
    # public statement must not carry it: the note names the public transparency page instead.
    return (
        " … [shortened to fit the DSA Transparency Database; the full statement of reasons was sent to "
        f"the uploader with the decision. hubmod's transparency reports: {settings.BASE_URL}{reverse('transparency')}]"
    )


def fit(text: str, limit: int, *, fallback: str) -> str:
    """`text` as the database counts it, within `limit`; a shortened text says so and where to look."""
    text = _TRIM.sub("", text or "") or fallback
    if len(text) <= limit:
        return text
    note = _shortened_note()
    room = limit - len(note)
    if room <= 0:  # a BASE_URL too long to leave room for the note: the cut alone
        return _TRIM.sub("", text[:limit])
    return _TRIM.sub("", text[:room]) + note


class FirstReport(TypedDict):
    """What _decisions() annotates onto each decision from its case's first report."""

    first_report_source: str | None
    first_reporter_trusted: bool | None
    first_report_category: str | None


# A decision as _decisions() reads it. (A string: django-stubs-ext is for the checker only.)
StatedDecision: TypeAlias = "WithAnnotations[Decision, FirstReport]"


def _source_type(decision: StatedDecision) -> str:
    """From the first report of the case, annotated onto the decision by _decisions()."""
    if decision.first_report_source in (None, "automated"):
        return "SOURCE_VOLUNTARY"
    if decision.first_reporter_trusted:
        return "SOURCE_TRUSTED_FLAGGER"
    if decision.first_report_category == "illegal_content":
        return "SOURCE_ARTICLE_16"
    return "SOURCE_TYPE_OTHER_NOTIFICATION"


def statement_of_reasons(decision: StatedDecision, *, legal_grounds: str = "") -> dict:
    """One decision's statement. `decision` comes from _decisions() (its first report annotated),
    `legal_grounds` is what the reports of its case cite (_legal_grounds())."""
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
    if "restrict_account" in kinds or "secure_account" in kinds:
        # Securing a compromised account freezes its pushes: a partial suspension of the service.
        statement["decision_provision"] = "DECISION_PROVISION_PARTIAL_SUSPENSION"
    if case.category in ILLEGAL_CATEGORIES:
        fallback = "Copyright law" if case.category == "copyright" else "The law cited in the notice"
        statement |= {
            "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT",
            "illegal_content_legal_ground": fit(
                legal_grounds, LIMITS["illegal_content_legal_ground"], fallback=fallback
            ),
            "illegal_content_explanation": fit(
                decision.statement, LIMITS["illegal_content_explanation"], fallback="See the decision's facts."
            ),
        }
    else:
        statement |= {
            "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
            "incompatible_content_ground": fit(
                decision.ground_label, LIMITS["incompatible_content_ground"], fallback="The hub's terms and policy"
            ),
            "incompatible_content_explanation": fit(
                decision.ground_text or decision.statement,
                LIMITS["incompatible_content_explanation"],
                fallback="See the decision's facts.",
            ),
            "incompatible_content_illegal": "No",
        }
    statement["decision_ground_reference_url"] = settings.BASE_URL + (
        reverse("license-catalogue") if decision.license_clause_id else reverse("report-start")
    )
    mapping = CATEGORY.get(case.category, FALLBACK_CATEGORY)
    statement["category"] = mapping.category
    if mapping.keywords:
        statement["category_specification"] = list(mapping.keywords)
    if mapping.keyword_other:
        statement["category_specification_other"] = mapping.keyword_other
    subject = case.subject
    if isinstance(subject, Repository):
        content_type, other = CONTENT_TYPE.get(subject.kind, ("CONTENT_TYPE_OTHER", "repository"))
    else:
        content_type, other = "CONTENT_TYPE_OTHER", "account"
    content_date = subject.created_at.date()
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
        "decision_facts": fit(decision.statement, LIMITS["decision_facts"], fallback="See the grounds."),
    }
    end = decision.effective_until.date() if decision.effective_until else None
    if end and end <= LAST_END_DATE:
        # Each end date goes with its own restriction: account with decision_account, service
        # (a restricted account: decision_provision) with end_date_service_restriction.
        if visibility:
            statement["end_date_visibility_restriction"] = end.isoformat()
        if "decision_account" in statement:
            statement["end_date_account_restriction"] = end.isoformat()
        if "decision_provision" in statement:
            statement["end_date_service_restriction"] = end.isoformat()
    return statement


def _decisions() -> QuerySet[StatedDecision]:
    """The decisions that have a statement, with all a statement reads in one query: the case, its
    subject, and the first report's source, reporter trust and category (the source type)."""
    first = case_reports().filter(case_id=OuterRef("case_id")).order_by("id")
    return (
        Decision.objects.filter(outcome=Decision.Outcome.ACTIONED, approval=Decision.Approval.EFFECTIVE)
        .select_related("case__repository", "case__account")
        .annotate(
            first_report_source=Subquery(first.values("source")[:1]),
            first_reporter_trusted=Subquery(first.values("reporter__trusted")[:1]),
            first_report_category=Subquery(first.values("category")[:1]),
        )
    )


def _legal_grounds(decisions: Sequence[Decision]) -> dict[int, str]:
    """The legal grounds the reports of these decisions' cases cite, by case, in one query (none
    when no decision rests on law)."""
    cases = {d.case_id for d in decisions if d.case.category in ILLEGAL_CATEGORIES}
    if not cases:
        return {}
    rows = case_reports().filter(case_id__in=cases).order_by("case_id", "id").values_list("case_id", "details")
    grounds: dict[int, list[str]] = {}
    for case_id, details in rows:
        ground = str(details.get("legal_ground") or "").strip() if isinstance(details, dict) else ""
        found = grounds.setdefault(case_id, [])
        # Many reporters of one case often cite the same law: each ground once, in the order cited.
        if ground and ground not in found:
            found.append(ground)
    return {case_id: " ".join(found) for case_id, found in grounds.items()}


def statements_of(decisions: Sequence[StatedDecision]) -> list[dict[str, Any]]:
    """The statements of decisions fetched with _decisions(): one more query, whatever their number."""
    grounds = _legal_grounds(decisions)
    return [statement_of_reasons(d, legal_grounds=grounds.get(d.case_id, "")) for d in decisions]


@dataclass(frozen=True)
class StatementPage:
    statements: list[dict]
    # The id of the last decision on the page, to continue after; None when this is the last page.
    next_after: int | None


def statement_of(decision_id: int) -> dict[str, Any] | None:
    """The statement of one decision, as published; None when it has none (no restriction, not
    yet effective, or no such decision)."""
    decision = _decisions().filter(pk=decision_id).first()
    return statements_of([decision])[0] if decision is not None else None


def statement_url(decision_id: int) -> str:
    """The public page of a decision's statement: what a feed or a third party may link to (the
    uploader's notice link is their appeal credential and never leaves their notice)."""
    return f"{settings.BASE_URL}{reverse('transparency-statement', args=[f'hubmod-decision-{decision_id}'])}"


def statements_page(*, start: date, end: date, after: int = 0, limit: int = PAGE_SIZE) -> StatementPage:
    """Up to `limit` statements of decisions made from `start` to `end`, with ids after `after`:
    a keyset on the decision id, so a page costs the same at the start of a year and at its end."""
    since, until = _bounds(start, end)
    decisions = list(
        _decisions().filter(created_at__gte=since, created_at__lt=until, pk__gt=after).order_by("id")[: limit + 1]
    )
    more = len(decisions) > limit
    decisions = decisions[:limit]
    return StatementPage(statements_of(decisions), decisions[-1].pk if more else None)


def statements_between(*, start: date, end: date) -> Iterator[dict]:
    """Every statement of a period, a page at a time: memory stays that of one page."""
    after: int | None = 0
    while after is not None:
        page = statements_page(start=start, end=end, after=after)
        yield from page.statements
        after = page.next_after
