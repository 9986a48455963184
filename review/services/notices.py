"""E-mailing the uploader a review's outcome, in the account's language."""

from __future__ import annotations

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from review.models import Review
from review.selectors import checklist_items
from review.services.outcomes import review_url


def review_notify(*, review_id: int) -> None:
    """Once per review: a re-run after success sends nothing."""
    review = (
        Review.objects.select_related("repository__owner")
        .filter(pk=review_id, notified_at__isnull=True, decided_at__isnull=False)
        .first()
    )
    if review is None:
        return
    uploader = review.repository.owner
    if uploader.email and review.state != Review.State.SUPERSEDED:
        labels = {item.key: item for item in checklist_items()}
        with translation.override(uploader.language or "en"):
            context = {
                "review": review,
                "repository": review.repository,
                "requested": [labels[key] for key in review.requested_items if key in labels],
                "review_url": review_url(review),
            }
            subject = render_to_string("review/email/review_outcome_subject.txt", context).strip()
            body = render_to_string("review/email/review_outcome.txt", context)
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[uploader.email])
    Review.objects.filter(pk=review_id, notified_at__isnull=True).update(notified_at=timezone.now())
