"""Documentation review: every sync scores the card; a missing required item is a finding for a
reviewer whose outcomes are the least restrictive ones; a fixed card closes it by itself."""

import pytest

from hub.models import HubEvent
from review.models import CardAssessment, Review
from tests.conftest import api_for
from tests.factories import moderator
from tests.flows import committed
from tests.review.cards import COMPLETE_CARD, card_without

REPO = "/api/v1/hub/repositories/acme/demo-7b"


def sync(hub_api, card: str, revision: str = "a" * 40, **extra):
    """The hub syncs the repository; the scoring and any webhook run as after its commit."""
    with committed():
        return hub_api.put(REPO, {"kind": "model", "revision": revision, "card": card, **extra}, format="json")


@pytest.mark.django_db
def test_a_complete_card_scores_full_and_opens_nothing(seeded, hub_api):
    response = sync(hub_api, COMPLETE_CARD)

    assessment = CardAssessment.objects.get()
    assert response.status_code == 201
    assert assessment.missing_required == []
    assert assessment.score == 1.0
    assert not Review.objects.exists()


@pytest.mark.django_db
def test_a_card_missing_required_items_opens_one_documentation_finding_and_takes_nothing_down(seeded, hub_api):
    sync(hub_api, card_without("Out-of-scope use", "Evaluation"))
    sync(hub_api, card_without("Out-of-scope use", "Evaluation"), revision="b" * 40)

    finding = Review.objects.get()
    repository = hub_api.get(REPO).json()
    assert finding.kind == "documentation"
    assert finding.state == "pending"
    assert finding.missing_items == ["out_of_scope_use", "evaluation"]
    assert repository["visibility"] == "listed"
    assert repository["review_status"] == "not_required"  # a finding never holds back a listing


@pytest.mark.django_db
def test_a_reviewer_may_label_a_finding_and_the_hub_learns_it_by_signed_webhook(seeded, hub_api, hub_receiver):
    sync(hub_api, card_without("Evaluation"))
    finding = Review.objects.get()

    with committed():
        response = api_for(moderator()).post(
            f"/api/v1/reviews/{finding.pk}/decide",
            {"outcome": "labelled", "reasons": "No evaluation results.", "requested_items": ["evaluation"]},
            format="json",
        )

    assert response.status_code == 200
    assert response.json()["state"] == "labelled"
    [delivery] = hub_receiver.wait_for(lambda d: d.payload["type"] == "review.completed")
    assert delivery.payload["outcome"] == "labelled"
    assert delivery.payload["requested_changes"] == ["evaluation"]
    assert delivery.payload["subject"] == {"type": "repository", "id": "acme/demo-7b"}


@pytest.mark.django_db
def test_a_card_fixed_in_a_new_revision_closes_the_finding_and_tells_the_hub(seeded, hub_api, hub_receiver):
    sync(hub_api, card_without("Evaluation"))
    sync(hub_api, COMPLETE_CARD, revision="b" * 40)

    finding = Review.objects.get()
    assert finding.state == "approved"
    assert finding.decided_by is None
    assert "now covers every required item" in finding.reasons
    assert HubEvent.objects.get().state == "delivered"
    assert hub_receiver.verified()[0].payload["outcome"] == "approved"


@pytest.mark.django_db
def test_a_takedown_is_not_an_outcome_of_a_documentation_finding(seeded, hub_api):
    sync(hub_api, card_without("Evaluation"))
    finding = Review.objects.get()

    with committed():
        response = api_for(moderator()).post(
            f"/api/v1/reviews/{finding.pk}/decide", {"outcome": "disable", "reasons": "x"}, format="json"
        )

    assert response.status_code == 400
    assert "outcome" in response.json()["errors"]
    assert Review.objects.get().state == "pending"


@pytest.mark.django_db
def test_the_checklist_is_public(seeded, client):
    items = client.get("/api/v1/documentation-checklist").json()

    assert [item["key"] for item in items][:3] == ["intended_use", "out_of_scope_use", "limitations"]
    assert {item["key"]: item["required"] for item in items}["downstream_use"] is False
