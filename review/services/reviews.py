"""Reviewers' writes: claim, release and decide a pre-publication review or documentation finding."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from hub.models import ReviewStatus
from hubmod.actors import Actor
from hubmod.audit import log as audit
from hubmod.errors import ApplicationError, Forbidden
from review.models import Review
from review.selectors import checklist_items
from review.services.outcomes import review_completed
from review.services.prepublication import repository_review_status_set

_STATUS_AFTER: dict[str, str] = {
    Review.Outcome.APPROVED: ReviewStatus.APPROVED,
    Review.Outcome.CHANGES_REQUESTED: ReviewStatus.CHANGES_REQUESTED,
}
_TRANSITION: dict[str, str] = {
    Review.Outcome.APPROVED: "approve",
    Review.Outcome.CHANGES_REQUESTED: "request_changes",
    Review.Outcome.LABELLED: "label",
}


def _locked(review_id: int) -> Review:
    return Review.objects.select_for_update().select_related("repository").get(pk=review_id)


@transaction.atomic
def review_claim(*, review_id: int, actor: Actor) -> Review:
    review = _locked(review_id)
    audit.transition(review, "claim", actor=actor, by=actor.user)
    return review


@transaction.atomic
def review_release(*, review_id: int, actor: Actor) -> Review:
    review = _locked(review_id)
    if review.assignee_id not in (None, actor.user_id) and not actor.has_perm("moderation.assign_case"):
        raise Forbidden("Only the reviewer who claimed it, or a senior, may hand it back.")
    audit.transition(review, "release", actor=actor)
    return review


@transaction.atomic
def review_decide(
    *, review_id: int, actor: Actor, outcome: str, reasons: str, requested_items: list[str] | None = None
) -> Review:
    """Decide a review with reasons; the hub and the uploader learn the outcome after commit."""
    review = _locked(review_id)
    reasons = reasons.strip()
    requested_items = list(dict.fromkeys(requested_items or []))
    errors: dict[str, list[str]] = {}
    if outcome not in _TRANSITION:
        errors["outcome"] = [f"Use one of {', '.join(_TRANSITION)}."]
    elif outcome == Review.Outcome.LABELLED and review.kind != Review.Kind.DOCUMENTATION:
        errors["outcome"] = ["A label is an outcome of documentation findings only; approve or request changes."]
    if not reasons:
        errors["reasons"] = ["Say why: the uploader sees these reasons."]
    known = set(checklist_items().values_list("key", flat=True))
    unknown = [key for key in requested_items if key not in known]
    if unknown:
        errors["requested_items"] = [f"Not on the documentation checklist: {', '.join(unknown)}."]
    if outcome == Review.Outcome.APPROVED and requested_items:
        errors["requested_items"] = ["An approval requests nothing; leave the items out."]
    if errors:
        raise ApplicationError("Check the decision.", field_errors=errors)
    audit.transition(
        review,
        _TRANSITION[outcome],
        actor=actor,
        by=actor.user,
        at=timezone.now(),
        reasons=reasons,
        **({} if outcome == Review.Outcome.APPROVED else {"requested_items": requested_items}),
        data={"outcome": outcome, "requested_items": requested_items},
    )
    if review.kind == Review.Kind.PRE_PUBLICATION:
        repository_review_status_set(review.repository, _STATUS_AFTER[outcome])
    review_completed(review=review)
    return review
