"""The public page of a statement of reasons: what a revocation feed entry or a notice to a third
party links to. It shows the decision as hubmod publishes it, in words, and nothing that names a
reporter or lets anyone appeal in the uploader's place."""

import pytest
from django.test import Client

from moderation.models import Decision
from tests.conftest import api_for
from tests.factories import RepositoryFactory, moderator
from tests.flows import decide, dismiss, file
from transparency.statements import statement_url

REPORTER = {"name": "Rita Reporter", "email": "rita@reporter.example"}


@pytest.mark.django_db
def test_the_page_shows_the_decision_in_words_and_no_reporter_nor_appeal_link(seeded, hub_receiver):
    case_id = file(RepositoryFactory(), "other", reporter=REPORTER)["case_id"]
    decided = decide(api_for(moderator()), case_id, actions=["disable"], statement="The card impersonates Dr. X.",
                     departure_reason="A person is harmed.")  # fmt: skip
    decision_id = decided.json()["decision"]["id"]

    url = statement_url(decision_id)
    page = Client().get(url.removeprefix("http://testserver"))
    text = page.content.decode()

    assert url.endswith(f"/transparency/statements/hubmod-decision-{decision_id}/")
    assert page.status_code == 200
    assert "The card impersonates Dr. X." in text
    assert "content disabled" in text
    assert "Rita" not in text
    assert "rita@reporter.example" not in text
    assert "/notices/" not in text


@pytest.mark.django_db
def test_a_decision_without_a_published_statement_and_a_malformed_id_are_not_found(seeded):
    case_id = file(RepositoryFactory(), "other")["case_id"]
    dismiss(api_for(moderator()), case_id)
    dismissed = Decision.objects.get(case_id=case_id)
    client = Client()

    for puid in (f"hubmod-decision-{dismissed.pk}", "hubmod-decision-999999999", "hubmod-decision-0",
                 "hubmod-decision-" + "9" * 40, "anything-else"):  # fmt: skip
        assert client.get(f"/transparency/statements/{puid}/").status_code == 404, puid


@pytest.mark.django_db
def test_the_page_speaks_german_to_a_german_reader(seeded, hub_receiver):
    case_id = file(RepositoryFactory(), "other")["case_id"]
    decision_id = decide(api_for(moderator()), case_id, actions=["delist"]).json()["decision"]["id"]

    page = Client(HTTP_ACCEPT_LANGUAGE="de").get(f"/transparency/statements/hubmod-decision-{decision_id}/")

    assert page.status_code == 200
    assert "Begründung" in page.content.decode()
