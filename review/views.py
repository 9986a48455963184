"""Review pages: the reviewers' queue and review page in the console, and the uploader's page
that says what a review decided and why."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hubmod.actors import Actor
from hubmod.errors import ApplicationError
from review.forms import ReviewDecideForm, ReviewFilterForm
from review.models import Review
from review.selectors import (
    ReviewQueueFilters,
    card_checklist,
    checklist_items,
    release_overview,
    review_get,
    review_queue,
)
from review.services.outcomes import review_for_token
from review.services.releases import release_advance, release_start
from review.services.reviews import review_claim, review_decide

reviewers_only = permission_required("review.view_review", raise_exception=False)


@reviewers_only
def reviews(request):
    form = ReviewFilterForm(request.GET or None)
    form.is_valid()  # the valid filters apply; the page says what is wrong with the others
    data = getattr(form, "cleaned_data", {})
    queue = review_queue(filters=ReviewQueueFilters(kind=data.get("kind") or None, overdue=bool(data.get("overdue"))))
    return render(
        request,
        "review/queue.html",
        {"form": form, "reviews": queue.prefetch_related("criteria")[:200], "now": timezone.now()},
        status=400 if form.errors else 200,
    )


def _review_or_404(review_id: int) -> Review:
    try:
        return review_get(review_id)
    except Review.DoesNotExist as exc:
        raise Http404("No such review.") from exc


@reviewers_only
def review_page(request, review_id: int):
    review = _review_or_404(review_id)
    form = ReviewDecideForm(request.POST if request.method == "POST" else None, review=review)
    if request.method == "POST" and form.is_valid():
        try:
            review_decide(review_id=review.pk, actor=Actor.staff(request.user), **form.cleaned_data)
        except ApplicationError as exc:
            for field, errors in exc.field_errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            if not exc.field_errors:
                form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Review #%(id)s decided; the hub and the uploader are told.") % {"id": review.pk}
            )
            return redirect("console-reviews")
    assessment, items = card_checklist(review.repository)
    return render(
        request,
        "review/review.html",
        {
            "review": review,
            "form": form,
            "assessment": assessment,
            "items": items,
            "release": release_overview(review.repository),
            "now": timezone.now(),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@permission_required("review.decide_review", raise_exception=False)
def review_claim_view(request, review_id: int):
    _review_or_404(review_id)
    try:
        review_claim(review_id=review_id, actor=Actor.staff(request.user))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("console-review", review_id=review_id)


@require_POST
@permission_required("review.advance_release", raise_exception=False)
def release_move_view(request, review_id: int, move: str):
    """Start or advance the staged release of the reviewed repository, from its review page."""
    review = _review_or_404(review_id)
    service = {"start": release_start, "advance": release_advance}.get(move)
    if service is None:
        raise Http404("No such move.")
    try:
        release = service(repository_id=review.repository_id, actor=Actor.staff(request.user))
    except ApplicationError as exc:  # a closed gate's message names every unmet condition
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(repository)s is now at '%(stage)s'.")
            % {"repository": review.repository.full_name, "stage": release.stage.label},
        )
    return redirect("console-review", review_id=review_id)


def review_notice(request, token: str):
    """The uploader's page: the outcome, the reasons, and what to add, in their language."""
    review = review_for_token(token)
    if review is None:
        raise Http404("This review link is not valid.")
    labels = {item.key: item for item in checklist_items()}
    keys = review.requested_items or (review.missing_items if review.is_open else [])
    return render(
        request,
        "review/notice.html",
        {"review": review, "requested": [labels[key] for key in keys if key in labels]},
    )
