"""Pre-publication review: public criteria hold a repository or revision for a reviewer before
the hub may list it; the outcome reaches the hub by a signed `review.completed` webhook, retried
with the same id and applied once; an SLA applies."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hub.events import hub_event_deliver
from hub.models import HubEvent
from review.models import Review
from tests.conftest import api_for
from tests.factories import UserFactory, moderator
from tests.review.cards import COMPLETE_CARD

REPO = "/api/v1/hub/repositories/acme/genome-designer"


def sync(hub_api, revision: str = "a" * 40, **extra):
    body = {"kind": "model", "revision": revision, "card": COMPLETE_CARD, **extra}
    return hub_api.put(REPO, body, format="json")


def held(hub_api, **extra):
    return sync(hub_api, capability_tags=["bio-design"], **extra)


@pytest.mark.django_db
def test_a_repository_declaring_a_dual_use_capability_is_held_for_review_before_listing(seeded, hub_api):
    response = held(hub_api)

    review = Review.objects.get(kind="pre_publication")
    assert response.json()["review_status"] == "pending"
    assert [c.name for c in review.criteria.all()] == ["Declared dual-use capabilities"]
    assert timedelta(hours=47) < review.due_at - timezone.now() <= timedelta(hours=48)


@pytest.mark.django_db
def test_a_repository_no_criterion_matches_needs_no_review(seeded, hub_api):
    response = sync(hub_api, capability_tags=["text-generation"])

    assert response.json()["review_status"] == "not_required"
    assert not Review.objects.filter(kind="pre_publication").exists()


@pytest.mark.django_db
def test_the_hub_may_ask_for_a_review_of_anything(seeded, hub_api):
    assert sync(hub_api, review_requested=True).json()["review_status"] == "pending"


@pytest.mark.django_db
def test_a_new_revision_supersedes_the_open_review_and_is_reviewed_itself(seeded, hub_api):
    held(hub_api)
    held(hub_api, revision="b" * 40)

    reviews = {r.revision[0]: r.state for r in Review.objects.filter(kind="pre_publication")}
    assert reviews == {"a": "superseded", "b": "pending"}


@pytest.mark.django_db
def test_requesting_changes_tells_the_hub_once_by_signed_webhook_and_keeps_the_listing_held(
    seeded, hub_api, hub_receiver, django_capture_on_commit_callbacks
):
    held(hub_api)
    review = Review.objects.get()
    reviewer = api_for(moderator())

    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer.post(
            f"/api/v1/reviews/{review.pk}/decide",
            {
                "outcome": "changes_requested",
                "reasons": "Describe the safeguards against designing pathogens.",
                "requested_items": ["out_of_scope_use"],
            },
            format="json",
        )
    with django_capture_on_commit_callbacks(execute=True):
        again = reviewer.post(
            f"/api/v1/reviews/{review.pk}/decide",
            {"outcome": "approved", "reasons": "Second thoughts."},
            format="json",
        )

    assert response.status_code == 200
    assert again.status_code == 409
    assert hub_api.get(REPO).json()["review_status"] == "changes_requested"
    [delivery] = hub_receiver.verified()
    assert delivery.payload["type"] == "review.completed"
    assert delivery.payload["outcome"] == "changes_requested"
    assert delivery.payload["reasons"] == "Describe the safeguards against designing pathogens."
    assert delivery.payload["review_url"].startswith("http")


@pytest.mark.django_db
def test_a_hub_that_fails_gets_the_same_event_again_until_it_answers_and_it_is_applied_once(
    seeded, hub_api, hub_receiver, django_capture_on_commit_callbacks
):
    hub_receiver.script = [500, 503]
    held(hub_api)
    review = Review.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        api_for(moderator()).post(
            f"/api/v1/reviews/{review.pk}/decide",
            {"outcome": "approved", "reasons": "Safeguards are described."},
            format="json",
        )
    event = HubEvent.objects.get()

    retry_in = hub_event_deliver(event_id=event.pk)  # what the worker's retry does
    hub_event_deliver(event_id=event.pk)
    hub_event_deliver(event_id=event.pk)  # a redelivered task finds it delivered and sends nothing

    event.refresh_from_db()
    assert retry_in is not None
    assert event.state == "delivered"
    assert event.attempts == 3
    deliveries = hub_receiver.verified()
    assert [d.status for d in deliveries] == [500, 503, 204]
    assert len({d.webhook_id for d in deliveries}) == 1


@pytest.mark.django_db
def test_reasons_are_required_and_a_label_is_not_a_pre_publication_outcome(seeded, hub_api):
    held(hub_api)
    review = Review.objects.get()
    reviewer = api_for(moderator())

    no_reasons = reviewer.post(
        f"/api/v1/reviews/{review.pk}/decide", {"outcome": "approved", "reasons": " "}, format="json"
    )
    label = reviewer.post(
        f"/api/v1/reviews/{review.pk}/decide", {"outcome": "labelled", "reasons": "Fine."}, format="json"
    )

    assert no_reasons.status_code == 400
    assert label.status_code == 400
    assert "only" in label.json()["errors"]["outcome"][0]
    assert Review.objects.get().state == "pending"


@pytest.mark.django_db
def test_only_reviewers_decide_and_anyone_may_read_the_criteria(seeded, hub_api, client):
    held(hub_api)
    review = Review.objects.get()

    outsider = api_for(UserFactory()).post(
        f"/api/v1/reviews/{review.pk}/decide", {"outcome": "approved", "reasons": "Fine."}, format="json"
    )
    hub = hub_api.post(
        f"/api/v1/reviews/{review.pk}/decide", {"outcome": "approved", "reasons": "Fine."}, format="json"
    )
    criteria = client.get("/api/v1/review-criteria").json()

    assert outsider.status_code == 403
    assert hub.status_code == 403
    assert Review.objects.get().state == "pending"
    assert "Declared dual-use capabilities" in [c["name"] for c in criteria]


@pytest.mark.django_db
def test_the_queue_lists_open_reviews_due_first_and_pages_by_cursor(seeded, hub_api, settings):
    for index in range(3):
        hub_api.put(
            f"/api/v1/hub/repositories/acme/m{index}",
            {"kind": "model", "card": COMPLETE_CARD, "review_requested": True},
            format="json",
        )
    reviewer = api_for(moderator())

    page = reviewer.get("/api/v1/reviews").json()

    assert [r["repository"] for r in page["results"]] == ["acme/m0", "acme/m1", "acme/m2"]
    assert page["next"] is None
    assert reviewer.get("/api/v1/reviews", {"cursor": "x"}).status_code == 400


@pytest.mark.django_db
def test_a_refused_event_fails_visibly_and_an_admin_retries_it(
    seeded, hub_api, hub_receiver, django_capture_on_commit_callbacks
):
    from tests.factories import hub_admin

    hub_receiver.script = [410]
    held(hub_api)
    review = Review.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        api_for(moderator()).post(
            f"/api/v1/reviews/{review.pk}/decide", {"outcome": "approved", "reasons": "Fine."}, format="json"
        )
    admin = api_for(hub_admin())

    failed = admin.get("/api/v1/hub-events", {"state": "failed"}).json()
    with django_capture_on_commit_callbacks(execute=True):
        retried = admin.post(f"/api/v1/hub-events/{failed[0]['id']}/retry")
    by_moderator = api_for(moderator()).get("/api/v1/hub-events")

    assert failed[0]["last_error"].startswith("HTTP 410")
    assert retried.status_code == 200
    assert HubEvent.objects.get().state == "delivered"
    assert by_moderator.status_code == 403
