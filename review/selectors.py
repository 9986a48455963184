"""Reads for proactive review: the public configuration, the review queue, a release's gate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import QuerySet
from django.utils import timezone

from hub.models import Repository, ReviewStatus
from hubmod.errors import ApplicationError
from moderation.models import OPEN_CASE_STATES, Case
from policy.models import Severity, SlaRule
from review.models import (
    OPEN_REVIEW_STATES,
    CardAssessment,
    ChecklistItem,
    Release,
    ReleaseStage,
    Review,
    ReviewCriterion,
)

SEVERE = (Severity.HIGH, Severity.CRITICAL)


def checklist_items() -> QuerySet[ChecklistItem]:
    return ChecklistItem.objects.filter(active=True).order_by("position", "key")


def review_criteria() -> QuerySet[ReviewCriterion]:
    return ReviewCriterion.objects.filter(active=True).order_by("position", "name")


def release_stages() -> QuerySet[ReleaseStage]:
    return ReleaseStage.objects.order_by("position")


def card_assessment_latest(repository: Repository) -> CardAssessment | None:
    return repository.card_assessments.order_by("-id").first()


def card_checklist(repository: Repository) -> tuple[CardAssessment | None, list[tuple[ChecklistItem, bool | None]]]:
    """The latest assessment, and each checklist item for the repository's kind with whether the
    card covered it (None: not assessed yet)."""
    assessment = card_assessment_latest(repository)
    covered = assessment.items if assessment else {}
    items = [(item, covered.get(item.key)) for item in checklist_items() if item.applies_to(repository.kind)]
    return assessment, items


def severe_categories() -> list[str]:
    return list(SlaRule.objects.filter(severity__in=SEVERE).values_list("category", flat=True))


def open_severe_cases(repository: Repository) -> QuerySet[Case]:
    return repository.cases.filter(state__in=OPEN_CASE_STATES, category__in=severe_categories())


@dataclass(frozen=True)
class ReviewQueueFilters:
    state: str | None = None
    kind: str | None = None
    overdue: bool = False


def review_queue(*, filters: ReviewQueueFilters) -> QuerySet[Review]:
    """Open reviews first due first; decided ones when asked for by state."""
    reviews = Review.objects.select_related("repository__owner", "assignee")
    reviews = reviews.filter(state=filters.state) if filters.state else reviews.filter(state__in=OPEN_REVIEW_STATES)
    if filters.kind:
        reviews = reviews.filter(kind=filters.kind)
    if filters.overdue:
        reviews = reviews.filter(due_at__lt=timezone.now())
    return reviews.order_by("due_at", "id")


def review_queue_page(*, filters: ReviewQueueFilters, cursor: str | None, size: int) -> tuple[list[Review], str | None]:
    """One page of the review queue after `cursor` (keyset: `dueMicroseconds.id` of the last review
    shown), and the next page's cursor."""
    reviews = review_queue(filters=filters).prefetch_related("criteria")
    if cursor:
        micros, last_id = (int(part) for part in cursor.split("."))
        try:
            due = datetime.fromtimestamp(micros / 1_000_000, tz=UTC)
        except (OverflowError, ValueError, OSError) as exc:
            raise ApplicationError("Bad cursor.", field_errors={"cursor": ["This cursor is out of range."]}) from exc
        reviews = reviews.filter(due_at__gte=due).exclude(due_at=due, id__lte=last_id)
    page = list(reviews[: size + 1])
    if len(page) <= size:
        return page, None
    last = page[size - 1]
    return page[:size], f"{int(last.due_at.timestamp() * 1_000_000)}.{last.pk}"


def review_get(review_id: int) -> Review:
    return Review.objects.select_related("repository__owner", "assignee", "decided_by").get(pk=review_id)


@dataclass(frozen=True)
class Gate:
    stage: ReleaseStage
    unmet: list[str]

    @property
    def open(self) -> bool:
        return not self.unmet


def release_gate(*, repository: Repository, stage: ReleaseStage) -> Gate:
    """What stands between the repository and `stage`; empty when the gate is open."""
    unmet = []
    if stage.requires_review and repository.review_status != ReviewStatus.APPROVED:
        unmet.append(
            f"The pre-publication review of revision {repository.revision or '(none)'} must be approved "
            f"(it is {repository.get_review_status_display().lower()})."
        )
    if stage.requires_documentation:
        assessment = card_assessment_latest(repository)
        if assessment is None or assessment.missing_required:
            missing = ", ".join(assessment.missing_required) if assessment else "no card assessed"
            unmet.append(f"The model card must cover every required checklist item (missing: {missing}).")
    if stage.blocks_on_severe_case:
        severe = list(open_severe_cases(repository).values_list("pk", flat=True)[:5])
        if severe:
            unmet.append(f"No high-severity case may be open (open: {', '.join(f'#{pk}' for pk in severe)}).")
    return Gate(stage=stage, unmet=unmet)


@dataclass(frozen=True)
class ReleaseOverview:
    repository: str
    stage: str | None
    halted: bool
    halt_reason: str
    next_gate: Gate | None


def release_overview(repository: Repository) -> ReleaseOverview:
    """Where a repository's staged release stands and what its next gate still needs."""
    release = Release.objects.select_related("stage").filter(repository=repository).first()
    following = None
    if release is not None:
        following = release_stages().filter(position__gt=release.stage.position).first()
    return ReleaseOverview(
        repository=repository.full_name,
        stage=release.stage.key if release else None,
        halted=bool(release and release.halted_at),
        halt_reason=release.halt_reason if release else "",
        next_gate=release_gate(repository=repository, stage=following) if following else None,
    )
