"""Moderators deciding one case at the same moment: one 200, the rest 409, one decision stored.

The assignee's double submit races on the row lock and the state check; a second moderator
deciding at the same instant is refused as well. Two moderators claiming at once: one wins."""

import threading

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from moderation.models import Case, Decision
from moderation.services.cases import case_for_report
from tests.conftest import api_for
from tests.factories import RepositoryFactory, appeal_reviewer

pytestmark = pytest.mark.postgres
DECIDE = {"actions": ["warn"], "ground": {"policy_section": "spam"}, "intent": "inadvertent", "statement": "The weights copy the work.",
          "departure_reason": "Testing."}  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_two_moderators_deciding_at_once_store_one_decision(seeded, hub_receiver):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writers, so there is no race to test")
    case = case_for_report(repository=RepositoryFactory(), account=None, category="spam").case
    first, second = appeal_reviewer(), appeal_reviewer()
    api_for(first).post(f"/api/v1/cases/{case.pk}/claim")
    clients: list[APIClient] = [api_for(first), api_for(first), api_for(second)]
    barrier = threading.Barrier(len(clients))
    answers = []

    def decide(client):
        barrier.wait()
        try:
            answers.append(client.post(f"/api/v1/cases/{case.pk}/decide", DECIDE, format="json"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(a.status_code for a in answers) == [200, 409, 409]
    assert all(a.json()["state"] in ("resolved", "in_review") for a in answers if a.status_code == 409)
    assert Decision.objects.filter(case=case).count() == 1
    assert Case.objects.get(pk=case.pk).state == "resolved"


@pytest.mark.django_db(transaction=True)
def test_two_moderators_claiming_at_once_one_wins(seeded):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writers, so there is no race to test")
    case = case_for_report(repository=RepositoryFactory(), account=None, category="spam").case
    clients = [api_for(appeal_reviewer()), api_for(appeal_reviewer())]
    barrier = threading.Barrier(2)
    answers = []

    def claim(client):
        barrier.wait()
        try:
            answers.append(client.post(f"/api/v1/cases/{case.pk}/claim"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(a.status_code for a in answers) == [200, 409]
    winner = next(a for a in answers if a.status_code == 200).json()["assignee"]
    assert Case.objects.get(pk=case.pk).assignee.username == winner
