"""Reads: the queue and its counts, a case with what a decision needs, the current policy, notices."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.db.models import BooleanField, Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hub.models import RepositoryFile, ScanVerdict
from hub.selectors import Relative, repository_ancestors, repository_descendants
from hubmod.audit.log import trail
from hubmod.audit.models import AuditEvent
from moderation.models import OPEN_CASE_STATES, Appeal, Case, Decision, EnforcementAction, Strike
from moderation.queries import QUEUE_AFTER_CURSOR, QUEUE_BEFORE_CURSOR
from moderation.restriction import may_read_evidence, may_work_restricted, restricted_cases_q
from moderation.strikes import Recommendation, recommend_each_intent
from policy.messages import message_fill
from policy.models import MessageTemplate, StatementTemplate

NOTICE_SALT = "hubmod.notice"
# What the queue filters on, worst first (the order a moderator looks for them in).
SCANNED_VERDICTS = list(reversed(ScanVerdict.values))
# Whoever asks: a signed-in staff member, or nobody (the queue then shows no restricted case).
StaffUser = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class QueueFilters:
    state: str | None = None
    category: str | None = None
    priority_min: int | None = None
    assignee: str | None = None  # a username, "me" or "none"
    overdue: bool = False
    surge: bool = False
    scan_verdict: str | None = None  # cases on a repository with a file of this verdict


def case_queue(*, filters: QueueFilters = QueueFilters(), user: StaffUser | None = None) -> QuerySet[Case]:
    """Open work, most urgent first: priority, then the earliest due date."""
    states = [filters.state] if filters.state else OPEN_CASE_STATES
    cases = Case.objects.filter(state__in=states)
    if filters.category:
        cases = cases.filter(category=filters.category)
    if filters.priority_min is not None:
        cases = cases.filter(priority__gte=filters.priority_min)
    if filters.assignee == "none":
        cases = cases.filter(assignee__isnull=True)
    elif filters.assignee == "me" and user is not None:
        cases = cases.filter(assignee_id=user.pk)
    elif filters.assignee:
        cases = cases.filter(assignee__username=filters.assignee)
    if filters.overdue:
        cases = cases.filter(due_at__lt=timezone.now())
    if filters.surge:
        cases = cases.filter(surge_detected_at__isnull=False)
    if filters.scan_verdict:
        files = RepositoryFile.objects.filter(repository_id=OuterRef("repository_id"))
        cases = cases.filter(Exists(files.filter(scan_verdict=filters.scan_verdict)))
    if user is not None and not may_work_restricted(user):
        # Child-safety cases and threats to life are legal's queue; others never see them listed.
        cases = cases.exclude(restricted_cases_q())
    # Written as one ascending key, `case_open_queue_keyset_idx` serves the order and the cursor.
    return cases.order_by(QUEUE_URGENCY.asc(), "due_at", "id")


QUEUE_URGENCY = F("priority") * -1  # most urgent first, in an order one index can walk forwards
QUEUE_PAGE_SIZE = 50
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
CURSOR_PATTERN = r"^\d{1,5}_-?\d{1,20}_\d{1,20}$"


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue, read as plain values: building a case with its subject and
    assignee for every line cost more than the rest of the page."""

    id: int
    state: str
    category: str
    priority: int
    due_at: datetime
    subject_type: str
    subject_name: str
    revision: str
    assignee_name: str | None
    escalation_reason: str
    escalated_to: str
    surge_detected_at: datetime | None
    clean_until: datetime | None
    created_at: datetime
    resolved_at: datetime | None

    @property
    def pk(self) -> int:
        return self.id

    @property
    def subject(self) -> str:
        return self.subject_name if self.subject_type == "repository" else f"@{self.subject_name}"

    @property
    def assignee(self) -> str | None:
        return self.assignee_name

    def get_state_display(self) -> str:
        return str(Case.State(self.state).label)

    def get_escalated_to_display(self) -> str:
        return str(Case.EscalatedTo(self.escalated_to).label) if self.escalated_to else ""


_QUEUE_ROW_VALUES = (
    "id", "state", "category", "priority", "due_at", "revision", "escalation_reason", "escalated_to",
    "surge_detected_at", "clean_until", "created_at", "resolved_at", "repository_id", "repository__full_name",
    "account__handle", "assignee__username",
)  # fmt: skip


def _queue_row(values: dict[str, Any]) -> QueueRow:
    repository_name, account_handle = values.pop("repository__full_name"), values.pop("account__handle")
    on_repository = values.pop("repository_id") is not None
    assignee_name = values.pop("assignee__username")
    return QueueRow(
        **values,
        subject_type="repository" if on_repository else "account",
        subject_name=repository_name if on_repository else account_handle,
        assignee_name=assignee_name,
    )


def case_queue_page(
    *, filters: QueueFilters, user: StaffUser | None = None, cursor: str | None = None, size: int = QUEUE_PAGE_SIZE
) -> tuple[list[QueueRow], str | None]:
    """One page of the queue after `cursor` (keyset pagination: no OFFSET, however deep), and the
    cursor of the next page. A cursor is `priority_dueMicroseconds_id` of the last row shown."""
    cases = case_queue(filters=filters, user=user)
    if cursor:
        priority, due, pk = (int(part) for part in cursor.split("_"))
        due_at = _EPOCH + due * _MICROSECOND
        after = RawSQL(QUEUE_AFTER_CURSOR, (-priority, due_at, pk), output_field=BooleanField())  # noqa: S611 - constant SQL
        cases = cases.filter(after)
    page = [_queue_row(values) for values in cases.values(*_QUEUE_ROW_VALUES)[: size + 1]]
    if len(page) <= size:
        return page, None
    last = page[size - 1]
    return page[:size], f"{last.priority}_{(last.due_at - _EPOCH) // _MICROSECOND}_{last.id}"


@dataclass(frozen=True)
class Neighbours:
    previous: int | None
    next: int | None


def case_neighbours(*, case: Case, user: StaffUser, filters: QueueFilters = QueueFilters()) -> Neighbours:
    """The ids of the cases just before and just after `case` in the queue `filters` shows `user`,
    for working through it a case at a time. The keyset is the case's own place in the queue's
    order, so a case that has just left the queue (decided, dismissed) still has neighbours.
    Cases someone else has claimed are skipped, being theirs to work, unless the filters ask for
    one assignee's cases by name."""
    cases = case_queue(filters=filters, user=user).exclude(pk=case.pk)
    if not filters.assignee:
        cases = cases.filter(Q(assignee__isnull=True) | Q(assignee_id=user.pk))
    key = (-case.priority, case.due_at, case.pk)
    after = RawSQL(QUEUE_AFTER_CURSOR, key, output_field=BooleanField())  # noqa: S611 - constant SQL
    # A row-value range of its own, which the queue's index walks backwards from the case: NOT
    # (after) is no index condition and read the queue from its far end (make bench, row 21).
    before = cases.filter(RawSQL(QUEUE_BEFORE_CURSOR, key, output_field=BooleanField()))  # noqa: S611 - constant SQL
    return Neighbours(
        previous=before.order_by(QUEUE_URGENCY.desc(), "-due_at", "-id").values_list("pk", flat=True).first(),
        next=cases.filter(after).values_list("pk", flat=True).first(),
    )


def queue_counts() -> dict[str, Any]:
    """Open cases per state and per category, and how many are overdue, in one query each."""
    open_cases = Case.objects.filter(state__in=OPEN_CASE_STATES)
    by_state = dict(open_cases.values_list("state").annotate(n=Count("id")).order_by())
    by_category = dict(open_cases.values_list("category").annotate(n=Count("id")).order_by())
    totals = open_cases.aggregate(
        overdue=Count("id", filter=Q(due_at__lt=timezone.now())),
        surge=Count("id", filter=Q(surge_detected_at__isnull=False)),
        total=Count("id"),
    )
    return {"by_state": by_state, "by_category": by_category, **totals}


def _reversals() -> QuerySet[Appeal]:
    """The appeals that reversed a decision: the uploader's, overturned (the actions undone)."""
    return Appeal.objects.filter(appellant=Appeal.Appellant.UPLOADER, state=Appeal.State.OVERTURNED)


# When a decision was reversed on appeal, as an annotation, for lists of decisions.
REVERSED_AT = Subquery(_reversals().filter(decision=OuterRef("pk")).values("decided_at")[:1])


APPEAL_PAGE_SIZE = 50
APPEAL_CURSOR_PATTERN = r"^\d{1,20}_\d{1,20}$"


def appeal_queue_page(
    *, states: tuple[str, ...], cursor: str | None = None, size: int | None = None
) -> tuple[Sequence[Appeal], str | None]:
    """Appeals in `states`, the earliest due first (keyset: no OFFSET), and the next page's cursor,
    `dueMicroseconds_id` of the last appeal shown. The console's list and the API share it."""
    size = size or APPEAL_PAGE_SIZE
    appeals = (
        Appeal.objects.filter(state__in=states)
        .select_related("decision__case__repository", "decision__case__account", "decision__decided_by")
        # An appeal filed by hand without a due date sorts by when it came in.
        .annotate(due=Coalesce("due_at", "created_at"))
        .order_by("due", "id")
    )
    if cursor:
        due, pk = (int(part) for part in cursor.split("_"))
        due_at = _EPOCH + due * _MICROSECOND
        appeals = appeals.filter(Q(due__gt=due_at) | Q(due=due_at, id__gt=pk))
    page = list(appeals[: size + 1])
    if len(page) <= size:
        return page, None
    last = page[size - 1]
    return page[:size], f"{(last.due - _EPOCH) // _MICROSECOND}_{last.id}"


def decision_reversal(decision: Decision) -> Appeal | None:
    """The appeal that reversed this decision, if one did."""
    return _reversals().filter(decision=decision).order_by("id").first()


def case_get(*, case_id: int) -> Case | None:
    return (
        Case.objects.select_related("repository__owner", "account", "assignee")
        .prefetch_related("decisions__actions", "decisions__decided_by")
        .filter(pk=case_id)
        .first()
    )


@dataclass(frozen=True)
class CaseContext:
    """Everything relevant to a decision, beyond the case itself."""

    ancestors: list[Relative]
    descendants: list[Relative]
    active_strikes: list[Strike]
    uploader_decisions: Sequence[Decision]
    subject_decisions: Sequence[Decision]
    statement_template: str


def case_context(case: Case) -> CaseContext:
    uploader = case.uploader
    repository = case.repository
    earlier = (
        Decision.objects.select_related("case", "decided_by")
        .exclude(case=case)
        .annotate(reversed_at=REVERSED_AT)
        .order_by("-id")
    )
    template = StatementTemplate.objects.filter(category=case.category).first()
    return CaseContext(
        ancestors=repository_ancestors(repository) if repository else [],
        descendants=repository_descendants(repository) if repository else [],
        active_strikes=list(
            Strike.objects.filter(account=uploader, expires_at__gt=timezone.now(), revoked_at__isnull=True)
            .select_related("decision")
            .order_by("-id")
        ),
        # The uploader's cases as a union of two indexed lookups: an OR across the case and its
        # repository made PostgreSQL read every case and repository (140-270 ms at 250,000 cases).
        uploader_decisions=list(
            earlier.filter(
                case__in=Case.objects.filter(repository__owner=uploader)
                .values("pk")
                .union(Case.objects.filter(account=uploader).values("pk"))
            )[:20]
        ),
        subject_decisions=list(
            earlier.filter(case__repository=repository) if repository else earlier.filter(case__account=case.account)
        )[:20],
        statement_template=template.text if template else "",
    )


@dataclass(frozen=True)
class CaseDetail:
    """Everything a moderator deciding a case sees, the same through the API and the console."""

    case: Case
    reports: list[Any]  # reports.Report rows (intake sits above moderation), with reporter and evidence
    context: CaseContext
    recommendations: dict[str, Recommendation]  # per intent
    trail: list[AuditEvent]
    proposal: Decision | None  # a decision waiting for its second pair of eyes
    evidence_readable: bool  # a restricted case's evidence is legal's alone


def case_detail(*, case_id: int, user: Any) -> CaseDetail | None:
    case = case_get(case_id=case_id)
    if case is None:
        return None
    return CaseDetail(
        case=case,
        reports=list(case.reports.select_related("reporter").prefetch_related("evidence").order_by("id")),
        context=case_context(case),
        recommendations=recommend_each_intent(case, intents=list(Decision.Intent.values)),
        trail=list(trail(case)),
        proposal=next((d for d in case.decisions.all() if d.approval == Decision.Approval.PROPOSED), None),
        evidence_readable=may_read_evidence(user, case),
    )


def case_decisions_with_reversals(case: Case) -> QuerySet[Decision]:
    """A case's decisions, each with when an appeal reversed it (reversed_at), for the console."""
    return case.decisions.select_related("decided_by").annotate(reversed_at=REVERSED_AT)


def case_proposal(*, case_id: int) -> Decision | None:
    return Decision.objects.filter(case_id=case_id, approval=Decision.Approval.PROPOSED).first()


def appeal_get(*, appeal_id: int) -> Appeal | None:
    return Appeal.objects.select_related("decision__case", "decision__decided_by").filter(pk=appeal_id).first()


def uploader_appeals(decision: Decision) -> QuerySet[Appeal]:
    """What the uploader has filed against a decision, newest first, for their notice page."""
    return decision.appeals.filter(appellant=Appeal.Appellant.UPLOADER).order_by("-id")


def decision_get(*, decision_id: int) -> Decision:
    return Decision.objects.select_related("decided_by", "approved_by", "policy_section").get(pk=decision_id)


def enforcement_actions(*, state: str | None = None) -> QuerySet[EnforcementAction]:
    actions = EnforcementAction.objects.select_related("decision__case").order_by("-id")
    return actions.filter(state=state) if state else actions


def notice_token_for(decision: Decision) -> str:
    """The signed token of the uploader's notice link; it is also their appeal credential."""
    return signing.dumps({"decision": decision.pk}, salt=NOTICE_SALT)


def decision_for_notice_token(token: str) -> Decision | None:
    try:
        payload = signing.loads(token, salt=NOTICE_SALT)
    except signing.BadSignature:
        return None
    return (
        Decision.objects.select_related(
            "case__repository__owner", "case__account", "policy_section__policy", "license_clause__license"
        )
        .prefetch_related("actions", "appeals")
        .filter(pk=payload.get("decision"))
        .first()
    )


# How an uploader fixes what an automated check found, by the report's category.
_HOW_TO_FIX = {
    "malicious_code": _(
        "Remove the file, or replace it with a format that cannot run code when it is loaded (for weights, "
        "safetensors: the safetensors library converts PyTorch checkpoints), and push a new revision. The new "
        "revision is scanned again."
    ),
    "private_information": _(
        "Revoke the credential where it was issued (deleting it from the file is not enough: it stays in the "
        "repository's history), remove it from the file, and push a new revision."
    ),
}
_HOW_TO_FIX_OTHERWISE = _("Remove the file and push a new revision.")


@dataclass(frozen=True)
class AutomatedFinding:
    path: str
    what: str
    category: str

    @property
    def how_to_fix(self) -> str:
        # Looked up when the notice is rendered, in the recipient's language.
        return str(_HOW_TO_FIX.get(self.category, _HOW_TO_FIX_OTHERWISE))


def automated_findings(case: Case) -> list[AutomatedFinding]:
    """What automated detection (an artifact scan, a hash list) found on this case, file by file,
    for the uploader's notice. Automated reports name no reporter, so nothing here identifies one;
    people's reports are never quoted to the uploader."""
    rows = case.reports.filter(source="automated").order_by("id").values_list("path", "category", "details")
    return [
        AutomatedFinding(
            path=path,
            what=details.get("behaviour") or details.get("explanation") or "",
            category=category,
        )
        for path, category, details in rows
    ]


@dataclass(frozen=True)
class FilledTemplate:
    id: int
    name: str
    language: str
    action: str
    text: str


def message_templates_for(case: Case, *, deadlines: dict[str, str]) -> dict[str, list[FilledTemplate]]:
    """The templates a moderator may start from on this case, filled from it, for each kind asked
    (`deadlines`: kind -> the deadline its texts name): the category's and those for any category,
    the defaults per action first."""
    if not deadlines:
        return {}
    files = list(dict.fromkeys(case.reports.exclude(path="").values_list("path", flat=True)[:20]))
    revision = case.revision or (case.repository.revision if case.repository else "")
    values = {"subject": str(case.subject), "files": ", ".join(files), "revision": revision}
    templates = MessageTemplate.objects.filter(kind__in=deadlines).filter(Q(category="") | Q(category=case.category))
    filled: dict[str, list[FilledTemplate]] = {kind: [] for kind in deadlines}
    for t in templates.order_by("action", "language", "name"):
        text = message_fill(t.text, {**values, "deadline": deadlines[t.kind]})
        filled[t.kind].append(FilledTemplate(t.pk, t.name, t.language, t.action, text))
    return filled
