"""Pre-publication review: hold a new repository or revision for a reviewer when a public
criterion matches, and tell the hub the outcome with a signed `review.completed` webhook."""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from hub.models import Repository, ReviewStatus
from hubmod.actors import SYSTEM
from hubmod.audit import log as audit
from review.models import Review
from review.selectors import review_criteria


def prepublication_route(*, repository: Repository, created: bool) -> Review | None:
    """Open a review when a criterion matches; a newer revision supersedes the open one."""
    total_size = repository.files.aggregate(total=Sum("size"))["total"] or 0
    matched = [
        criterion
        for criterion in review_criteria()
        if (created or criterion.on_new_revision) and criterion.matches(repository=repository, total_size=total_size)
    ]
    previous = (
        Review.objects.select_for_update()
        .filter(repository=repository, kind=Review.Kind.PRE_PUBLICATION, state__in=("pending", "in_review"))
        .first()
    )
    if previous is not None and previous.revision == repository.revision and matched:
        return previous  # the same revision synced again: the open review stands
    if previous is not None:
        audit.transition(
            previous,
            "supersede",
            actor=SYSTEM,
            at=timezone.now(),
            reasons=f"Revision {repository.revision or '(none)'} replaced the one under review.",
        )
    if not matched:
        if previous is not None or repository.review_status != ReviewStatus.NOT_REQUIRED:
            repository_review_status_set(repository, ReviewStatus.NOT_REQUIRED)
        return None
    try:
        with transaction.atomic():
            review = Review.objects.create(
                repository=repository,
                kind=Review.Kind.PRE_PUBLICATION,
                revision=repository.revision,
                due_at=timezone.now() + timedelta(hours=min(c.sla_hours for c in matched)),
            )
    except IntegrityError:
        return None  # a concurrent sync of the same repository opened it
    review.criteria.set(matched)
    repository_review_status_set(repository, ReviewStatus.PENDING)
    audit.record(
        actor=SYSTEM,
        verb="review.opened",
        target=review,
        data={"kind": review.kind, "criteria": [c.name for c in matched], "revision": review.revision},
    )
    return review


def repository_review_status_set(repository: Repository, status: str) -> None:
    """Mirror on the repository whether the hub may list its head revision. Caller holds the transaction."""
    repository.review_status = status
    repository.save(update_fields=["review_status", "updated_at"])
