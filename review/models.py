"""Proactive review: the documentation checklist, pre-publication review and staged release.

The checklist, the review criteria and the release stages are configuration hub admins edit and
the public reads; assessments, reviews and releases are what hubmod made of each repository.
"""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from hub.models import Account, Repository
from hubmod.db import TimestampedModel

REPOSITORY_KINDS = [kind for kind, _ in Repository.Kind.choices]


def _validate_kinds(value) -> None:
    if not isinstance(value, list) or any(kind not in REPOSITORY_KINDS for kind in value):
        raise ValidationError(f"Use a list of repository kinds from {', '.join(REPOSITORY_KINDS)}; empty means all.")


def _validate_strings(value) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise ValidationError("Use a list of non-empty strings.")


class ChecklistItem(TimestampedModel):
    """One thing a model card should cover, and the headings that show it does."""

    key = models.SlugField(max_length=64, unique=True)
    label = models.CharField(max_length=120)
    description = models.TextField(help_text="Plain language: what to write and why it matters.")
    required = models.BooleanField(default=True, help_text="A missing required item is a finding for review.")
    kinds = models.JSONField(default=list, blank=True, validators=[_validate_kinds], help_text="Empty: every kind.")
    headings = models.JSONField(
        default=list,
        validators=[_validate_strings],
        help_text="Card headings that cover this item, compared without case or punctuation.",
    )
    min_words = models.PositiveSmallIntegerField(
        default=10, help_text="Fewer words under the heading count as missing."
    )
    # License is often declared in the card's YAML front matter rather than under a heading.
    front_matter_key = models.CharField(max_length=64, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "key"]

    def __str__(self) -> str:
        return self.label

    def applies_to(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


class ReviewCriterion(TimestampedModel):
    """A rule that holds a new repository or revision for review before the hub may list it.

    Every condition set must hold; a criterion with none set would hold everything back, so one
    is required.
    """

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(help_text="Plain language, shown publicly: what is reviewed and why.")
    kinds = models.JSONField(default=list, blank=True, validators=[_validate_kinds])
    capability_tags = models.JSONField(
        default=list, blank=True, validators=[_validate_strings], help_text="Any one of these declared tags matches."
    )
    min_total_size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    uploader_standings = models.JSONField(
        default=list, blank=True, help_text="Uploader standings that match (e.g. restricted)."
    )
    when_hub_requests = models.BooleanField(default=False, help_text="Matches when the hub flags the repository.")
    on_new_revision = models.BooleanField(
        default=True, help_text="Review every new revision, not only new repositories."
    )
    sla_hours = models.PositiveIntegerField(default=48)
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "review criteria"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        standings = [standing for standing, _ in Account.Standing.choices]
        if not isinstance(self.uploader_standings, list) or any(s not in standings for s in self.uploader_standings):
            raise ValidationError({"uploader_standings": f"Use standings from {', '.join(standings)}."})
        if not (
            self.kinds
            or self.capability_tags
            or self.min_total_size_bytes is not None
            or self.uploader_standings
            or self.when_hub_requests
        ):
            raise ValidationError("Set at least one condition, or the criterion would hold back every repository.")

    def matches(self, *, repository: Repository, total_size: int) -> bool:
        if self.kinds and repository.kind not in self.kinds:
            return False
        if self.capability_tags and not set(self.capability_tags) & set(repository.capability_tags or []):
            return False
        if self.min_total_size_bytes is not None and total_size < self.min_total_size_bytes:
            return False
        if self.uploader_standings and repository.owner.standing not in self.uploader_standings:
            return False
        return not (self.when_hub_requests and not repository.review_requested)


class ReleaseStage(TimestampedModel):
    """One step of a staged release, and the gate a repository must clear to enter it."""

    key = models.SlugField(max_length=32, unique=True)
    label = models.CharField(max_length=80)
    description = models.TextField(help_text="Plain language: who has access at this stage.")
    position = models.PositiveSmallIntegerField(unique=True)
    requires_review = models.BooleanField(default=False, help_text="The head revision's review must be approved.")
    requires_documentation = models.BooleanField(default=False, help_text="No required checklist item may be missing.")
    blocks_on_severe_case = models.BooleanField(default=True, help_text="No open high or critical severity case.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.label


class CardAssessment(TimestampedModel):
    """How a repository's model card scored against the checklist at one revision."""

    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="card_assessments")
    revision = models.CharField(max_length=64, blank=True)
    card_sha256 = models.CharField(max_length=64)
    # {item key: true when covered}, for the items that apply to the repository's kind.
    items = models.JSONField(default=dict)
    missing_required = models.JSONField(default=list)
    score = models.FloatField(help_text="Share of applicable items covered, 0 to 1.")

    class Meta:
        indexes = [models.Index(fields=["repository", "-id"], name="card_assessment_latest_idx")]

    def __str__(self) -> str:
        return f"{self.repository_id}@{self.revision or '-'}: {self.score:.0%}"

    @property
    def complete(self) -> bool:
        return not self.missing_required


OPEN_REVIEW_STATES = ("pending", "in_review")


class Review(ConcurrentTransitionMixin, TimestampedModel):
    """A repository held for a reviewer: before listing, or for a documentation finding."""

    class Kind(models.TextChoices):
        PRE_PUBLICATION = "pre_publication", _("pre-publication review")
        DOCUMENTATION = "documentation", _("documentation finding")

    class State(models.TextChoices):
        PENDING = "pending"
        IN_REVIEW = "in_review"
        APPROVED = "approved"
        CHANGES_REQUESTED = "changes_requested"
        LABELLED = "labelled"
        SUPERSEDED = "superseded"

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Approve")
        CHANGES_REQUESTED = "changes_requested", _("Request changes")
        # Documentation findings only: listed with a "documentation incomplete" label.
        LABELLED = "labelled", _("List it with a documentation label")

    repository = models.ForeignKey(Repository, on_delete=models.PROTECT, related_name="reviews")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    revision = models.CharField(max_length=64, blank=True)
    state = FSMField(default=State.PENDING, choices=State.choices, protected=True)
    criteria = models.ManyToManyField(ReviewCriterion, blank=True, related_name="reviews")
    # Documentation findings: the required checklist keys the card lacked when it was opened.
    missing_items = models.JSONField(default=list, blank=True)
    due_at = models.DateTimeField()
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_reviews"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="decided_reviews"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reasons = models.TextField(blank=True)
    requested_items = models.JSONField(default=list, blank=True, help_text="Checklist keys the uploader must add.")
    notified_at = models.DateTimeField(null=True, blank=True, help_text="When the uploader was e-mailed the outcome.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["repository", "kind"],
                condition=Q(state__in=OPEN_REVIEW_STATES),
                name="review_one_open_per_repository_kind",
            )
        ]
        indexes = [models.Index(fields=["state", "due_at", "id"], name="review_queue_idx")]
        permissions = [
            ("decide_review", "Claim and decide pre-publication reviews and documentation findings"),
            ("supersede_review", "Close a review a newer revision replaced (system only)"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.repository} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_REVIEW_STATES

    @transition(field=state, source=State.PENDING, target=State.IN_REVIEW, permission="review.decide_review")
    def claim(self, *, by) -> None:
        self.assignee = by

    @transition(field=state, source=State.IN_REVIEW, target=State.PENDING, permission="review.decide_review")
    def release(self) -> None:
        self.assignee = None

    @transition(
        field=state, source=[State.PENDING, State.IN_REVIEW], target=State.APPROVED, permission="review.decide_review"
    )
    def approve(self, *, by, at, reasons: str) -> None:
        self._record_decision(by=by, at=at, reasons=reasons, requested_items=[])

    @transition(
        field=state,
        source=[State.PENDING, State.IN_REVIEW],
        target=State.CHANGES_REQUESTED,
        permission="review.decide_review",
    )
    def request_changes(self, *, by, at, reasons: str, requested_items: list[str]) -> None:
        self._record_decision(by=by, at=at, reasons=reasons, requested_items=requested_items)

    @transition(
        field=state,
        source=[State.PENDING, State.IN_REVIEW],
        target=State.LABELLED,
        permission="review.decide_review",
        conditions=[lambda review: cast(Review, review).kind == Review.Kind.DOCUMENTATION],
    )
    def label(self, *, by, at, reasons: str, requested_items: list[str]) -> None:
        self._record_decision(by=by, at=at, reasons=reasons, requested_items=requested_items)

    @transition(
        field=state,
        source=[State.PENDING, State.IN_REVIEW],
        target=State.SUPERSEDED,
        permission="review.supersede_review",
    )
    def supersede(self, *, at, reasons: str) -> None:
        self.decided_at = at
        self.reasons = reasons

    def _record_decision(self, *, by, at, reasons: str, requested_items: list[str]) -> None:
        self.decided_by = by
        self.decided_at = at
        self.reasons = reasons
        self.requested_items = requested_items


class Release(TimestampedModel):
    """A repository under a staged release: the stage it is at, and whether a case halted it."""

    repository = models.OneToOneField(Repository, on_delete=models.PROTECT, related_name="release")
    stage = models.ForeignKey(ReleaseStage, on_delete=models.PROTECT, related_name="releases")
    halted_at = models.DateTimeField(null=True, blank=True)
    halt_reason = models.TextField(blank=True)
    # The newest severe case already acted on, so a redelivered task or the sweeper steps back once.
    last_halt_case_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        permissions = [("advance_release", "Start and advance staged releases")]

    def __str__(self) -> str:
        return f"{self.repository} at {self.stage}"
