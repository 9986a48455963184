"""Documentation review: score each model card against the public checklist.

A missing required item opens a documentation finding for a reviewer, whose outcomes are the
least restrictive ones (approve, request changes, or list with a label): never a takedown.
A card that later covers every required item closes the finding by itself.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from hub.models import Repository
from hubmod.actors import SYSTEM
from hubmod.audit import log as audit
from review.cards import card_parse, item_covered
from review.models import CardAssessment, Review
from review.selectors import checklist_items
from review.services.outcomes import review_completed


def card_assess(*, repository: Repository) -> CardAssessment:
    """Score the repository's card as synced. Caller holds the transaction."""
    card = card_parse(repository.card or "")
    items: dict[str, bool] = {}
    missing_required: list[str] = []
    for item in checklist_items():
        if not item.applies_to(repository.kind):
            continue
        covered = item_covered(
            card, headings=item.headings, min_words=item.min_words, front_matter_key=item.front_matter_key
        ) or (bool(item.front_matter_key == "license" and repository.license_key))
        items[item.key] = covered
        if item.required and not covered:
            missing_required.append(item.key)
    assessment = CardAssessment.objects.create(
        repository=repository,
        revision=repository.revision,
        card_sha256=hashlib.sha256((repository.card or "").encode()).hexdigest(),
        items=items,
        missing_required=missing_required,
        score=(sum(items.values()) / len(items)) if items else 1.0,
    )
    open_finding = Review.objects.select_for_update().filter(
        repository=repository, kind=Review.Kind.DOCUMENTATION, state__in=("pending", "in_review")
    )
    finding = open_finding.first()
    if missing_required and finding is None:
        _finding_open(repository=repository, missing=missing_required)
    elif missing_required and finding is not None and finding.missing_items != missing_required:
        finding.missing_items = missing_required
        finding.save(update_fields=["missing_items", "updated_at"])
    elif not missing_required and finding is not None:
        audit.transition(
            finding,
            "approve",
            actor=SYSTEM,
            by=None,
            at=timezone.now(),
            reasons="The model card now covers every required item of the documentation checklist.",
        )
        review_completed(review=finding)
    return assessment


def _finding_open(*, repository: Repository, missing: list[str]) -> Review | None:
    try:
        with transaction.atomic():
            finding = Review.objects.create(
                repository=repository,
                kind=Review.Kind.DOCUMENTATION,
                revision=repository.revision,
                missing_items=missing,
                due_at=timezone.now() + timedelta(hours=settings.DOCUMENTATION_REVIEW_SLA_HOURS),
            )
    except IntegrityError:
        return None  # a concurrent sync opened it first
    audit.record(actor=SYSTEM, verb="review.opened", target=finding, data={"kind": finding.kind, "missing": missing})
    return finding
