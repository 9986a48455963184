"""Telling the hub and the uploader what a review concluded."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from hub.events import hub_event_emit
from hub.models import HubEvent
from hubmod.tasks import dispatch_on_commit
from review.models import Review

REVIEW_NOTICE_SALT = "review.notice"


def review_token_for(review: Review) -> str:
    """The signed token of the uploader's page for a review outcome."""
    return signing.dumps({"review": review.pk}, salt=REVIEW_NOTICE_SALT)


def review_for_token(token: str) -> Review | None:
    try:
        payload = signing.loads(token, salt=REVIEW_NOTICE_SALT)
    except signing.BadSignature:
        return None
    return Review.objects.select_related("repository__owner").filter(pk=payload.get("review")).first()


def review_url(review: Review) -> str:
    return f"{settings.BASE_URL}{reverse('review-notice', args=[review_token_for(review)])}"


def review_completed(*, review: Review) -> None:
    """Queue the signed `review.completed` webhook and the uploader's e-mail. Caller holds the transaction."""
    hub_event_emit(
        type=HubEvent.Type.REVIEW_COMPLETED,
        repository=review.repository,
        data={
            "review": review.pk,
            "kind": review.kind,
            "revision": review.revision,
            "outcome": review.state,
            "reasons": review.reasons,
            "requested_changes": review.requested_items,
            "review_url": review_url(review),
        },
    )
    dispatch_on_commit("review.review_notify", review.pk)
