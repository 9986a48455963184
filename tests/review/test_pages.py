"""The review pages: the reviewers' queue and review page, and the uploader's page that says why."""

import pytest

from review.models import Review
from review.services.outcomes import review_token_for
from tests.factories import moderator
from tests.flows import committed
from tests.review.cards import card_without


@pytest.fixture
def finding(seeded, hub_api):
    with committed():
        hub_api.put(
            "/api/v1/hub/repositories/acme/demo-7b",
            {"kind": "model", "card": card_without("Evaluation", "Out-of-scope use")},
            format="json",
        )
    return Review.objects.get()


@pytest.mark.django_db
def test_a_reviewer_sees_the_queue_and_requests_changes_from_the_review_page(finding, client, mailoutbox):
    finding.repository.owner.email = "uploader@example.org"
    finding.repository.owner.save()
    client.force_login(moderator())

    queue = client.get("/console/reviews/").content.decode()
    page = client.get(f"/console/reviews/{finding.pk}/").content.decode()
    with committed():
        response = client.post(
            f"/console/reviews/{finding.pk}/",
            {
                "outcome": "changes_requested",
                "reasons": "Add <b>evaluation</b> results.",
                "requested_items": ["evaluation"],
            },
        )

    assert "acme/demo-7b" in queue
    assert "missing: out_of_scope_use, evaluation" in queue
    assert "<strong>missing</strong>" in page
    assert response.status_code == 302
    assert Review.objects.get().state == "changes_requested"
    [mail] = mailoutbox
    assert "changes requested" in mail.subject
    assert "Evaluation: How the model was tested" in mail.body


@pytest.mark.django_db
def test_the_uploader_page_says_why_and_what_to_add_with_the_reasons_escaped(finding, client):
    client.force_login(moderator())
    with committed():
        client.post(
            f"/console/reviews/{finding.pk}/",
            {
                "outcome": "changes_requested",
                "reasons": "Add <b>evaluation</b> results.",
                "requested_items": ["evaluation"],
            },
        )
    client.logout()

    page = client.get(f"/reviews/{review_token_for(finding)}/").content.decode()

    assert "Changes requested" in page
    assert "Add &lt;b&gt;evaluation&lt;/b&gt; results." in page
    assert "How the model was tested" in page
    assert client.get("/reviews/forged-token/").status_code == 404


@pytest.mark.django_db
def test_the_console_pages_are_for_reviewers_only(finding, client):
    from tests.factories import UserFactory

    anonymous = client.get(f"/console/reviews/{finding.pk}/")
    client.force_login(UserFactory())
    without_role = client.get(f"/console/reviews/{finding.pk}/")
    decided = client.post(f"/console/reviews/{finding.pk}/", {"outcome": "approved", "reasons": "Fine."})

    assert anonymous.status_code == 302
    assert "/console/login/" in anonymous["Location"]
    assert without_role.status_code == 302
    assert decided.status_code == 302
    assert Review.objects.get().state == "pending"


@pytest.mark.django_db
def test_a_senior_starts_a_release_from_the_review_page_and_sees_the_closed_gate(seeded, hub_api, client):
    from tests.factories import appeal_reviewer

    with committed():
        hub_api.put("/api/v1/hub/repositories/acme/big", {"kind": "model", "review_requested": True}, format="json")
    review = Review.objects.get(kind="pre_publication")
    client.force_login(appeal_reviewer())

    with committed():
        client.post(f"/console/reviews/{review.pk}/release/start")
    with committed():
        refused = client.post(f"/console/reviews/{review.pk}/release/advance", follow=True).content.decode()

    assert "At stage <strong>private</strong>" in refused
    assert "The gate to &#x27;Trusted partners&#x27; is closed" in refused
    assert "must be approved" in refused


@pytest.mark.django_db
def test_the_uploader_page_speaks_german_to_a_german_browser_checklist_included(finding, client):
    client.force_login(moderator())
    with committed():
        client.post(
            f"/console/reviews/{finding.pk}/",
            {"outcome": "changes_requested", "reasons": "Bitte ergänzen.", "requested_items": ["evaluation"]},
        )
    client.logout()

    page = client.get(f"/reviews/{review_token_for(finding)}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "Änderungen" in page
    assert "<strong>Evaluierung</strong>: Wie das Modell getestet wurde" in page
