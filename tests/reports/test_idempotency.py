"""Idempotent intake (API.md): a retry with the same Idempotency-Key and body gets the first answer
and files nothing new; the same key with another body is 422; a refusal is not kept, so a retry
after it files for real; keys are each caller's own."""

import json
import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from hubmod.idempotency.models import IdempotentRequest
from hubmod.idempotency.tasks import idempotency_keys_expire_task as idempotency_keys_expire
from reports.models import Report
from tests.conftest import hub_client
from tests.factories import RepositoryFactory


def body(repo, explanation="Spam.") -> str:
    return json.dumps({"subject": {"type": "repository", "id": repo.full_name}, "category": "other",
                       "details": {"explanation": explanation}})  # fmt: skip


def send(client, payload: str, key: str | None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.generic("POST", "/api/v1/reports", payload, content_type="application/json", **headers)


@pytest.mark.django_db
def test_a_retry_with_the_same_key_gets_the_first_answer_and_files_nothing_new():
    repo, key = RepositoryFactory(), str(uuid.uuid4())

    first = send(APIClient(), body(repo), key)
    retry = send(APIClient(), body(repo), key)

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()  # the same id and receipt
    assert retry["Idempotent-Replayed"] == "true"
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_422_and_files_nothing():
    repo, key = RepositoryFactory(), str(uuid.uuid4())
    send(APIClient(), body(repo), key)

    reused = send(APIClient(), body(repo, explanation="Something else."), key)

    assert reused.status_code == 422
    assert "different body" in reused.json()["detail"]
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_without_a_key_every_request_files():
    repo = RepositoryFactory()

    answers = [send(APIClient(), body(repo), None).status_code for _ in range(2)]

    assert answers == [201, 201]
    assert Report.objects.count() == 2


@pytest.mark.django_db
def test_a_refusal_is_not_kept_so_the_retry_files(settings):
    settings.REPORT_RATE_PER_ADDRESS = "1/h"
    repo, key = RepositoryFactory(), str(uuid.uuid4())
    send(APIClient(), body(repo, explanation="The one the limit allows."), None)

    refused = send(APIClient(), body(repo), key)
    settings.REPORT_RATE_PER_ADDRESS = "100/h"
    retried = send(APIClient(), body(repo), key)

    assert (refused.status_code, retried.status_code) == (429, 201)
    assert "Idempotent-Replayed" not in retried
    assert Report.objects.count() == 2


@pytest.mark.django_db
def test_keys_are_each_callers_own(hub_api):
    repo, key = RepositoryFactory(), str(uuid.uuid4())

    from_the_public = send(APIClient(), body(repo), key)
    from_the_hub = send(hub_client(), body(repo), key)

    assert (from_the_public.status_code, from_the_hub.status_code) == (201, 201)
    assert from_the_public.json()["id"] != from_the_hub.json()["id"]


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "a key with spaces", "k" * 256, "ключ"])
def test_a_malformed_key_is_400_naming_the_header(key):
    response = send(APIClient(), body(RepositoryFactory()), key)

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_keys_are_forgotten_after_a_day():
    repo = RepositoryFactory()
    send(APIClient(), body(repo), "old")
    send(APIClient(), body(repo), "new")
    IdempotentRequest.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))

    forgotten = idempotency_keys_expire()

    assert forgotten == 1
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.django_db(transaction=True)
def test_two_requests_racing_with_one_key_file_once():
    repo, key = RepositoryFactory(), str(uuid.uuid4())
    start, answers = threading.Barrier(2), []

    def racer():
        start.wait()
        try:
            answers.append(send(APIClient(), body(repo), key))
        finally:
            connection.close()

    threads = [threading.Thread(target=racer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sorted(a.status_code for a in answers) == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert Report.objects.count() == 1
