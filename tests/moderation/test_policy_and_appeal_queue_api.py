"""API.md's GET /api/v1/policy (which section keys a report or decision may cite) and
GET /api/v1/appeals (the reviewers' queue, cursor-paginated)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from moderation.models import Appeal, Decision
from moderation.selectors import notice_token_for
from policy.models import PolicyVersion
from tests.conftest import api_for
from tests.factories import AccountFactory, RepositoryFactory, appeal_reviewer, moderator
from tests.flows import decide, file


@pytest.mark.django_db
def test_anyone_reads_the_current_policy_and_its_section_keys_are_what_a_report_may_cite(seeded):
    policy = APIClient().get("/api/v1/policy")
    keys = [section["key"] for section in policy.json()["sections"]]
    repo = RepositoryFactory()

    cited = APIClient().post(
        "/api/v1/reports",
        {"subject": {"type": "repository", "id": repo.full_name}, "category": "acceptable_use",
         "details": {"policy_section": keys[0], "explanation": "It does what the section forbids."}},
        format="json",
    )  # fmt: skip

    assert policy.status_code == 200
    body = policy.json()
    assert body["version"] == PolicyVersion.objects.get().version
    assert body["effective_from"].startswith("2026-11-01")
    assert keys == sorted(keys)
    assert "harmful-use" in keys
    assert set(body["sections"][0]) == {"key", "title", "text", "allowed_examples", "prohibited_examples"}
    assert cited.status_code == 201, cited.content


@pytest.mark.django_db
def test_no_policy_in_effect_is_a_404_that_says_so(no_policy):
    answer = APIClient().get("/api/v1/policy")

    assert answer.status_code == 404
    assert "No hub policy is in effect" in answer.json()["detail"]


def _appeals(count: int) -> list[int]:
    owner = AccountFactory()
    mod = api_for(moderator())
    ids = []
    for _ in range(count):
        case_id = file(RepositoryFactory(owner=owner))["case_id"]
        decision = Decision.objects.get(pk=decide(mod, case_id, departure_reason="Test.").json()["decision"]["id"])
        body = {"decision": decision.pk, "statement": "Mine.", "token": notice_token_for(decision)}
        ids.append(APIClient().post("/api/v1/appeals", body, format="json").json()["id"])
    return ids


@pytest.mark.django_db
def test_the_appeals_queue_pages_through_every_open_appeal_earliest_due_first(seeded, hub_receiver, monkeypatch):
    ids = _appeals(5)
    now = timezone.now()
    for offset, appeal_id in zip([3, 1, 4, 0, 2], ids, strict=True):
        Appeal.objects.filter(pk=appeal_id).update(due_at=now + timedelta(days=offset))
    reviewer = api_for(appeal_reviewer())

    monkeypatch.setattr("moderation.selectors.APPEAL_PAGE_SIZE", 2)

    seen, url, pages = [], "/api/v1/appeals", 0
    while url:
        page = reviewer.get(url).json()
        seen += [appeal["id"] for appeal in page["results"]]
        url = page["next"] and f"/api/v1/appeals?cursor={page['next']}"
        pages += 1

    assert seen == [ids[3], ids[1], ids[4], ids[0], ids[2]]
    assert pages == 3


@pytest.mark.django_db
def test_the_appeals_queue_filters_by_state_refuses_a_bad_cursor_and_is_for_reviewers_only(seeded, hub_receiver):
    open_id, decided_id = _appeals(2)
    api_for(appeal_reviewer()).post(f"/api/v1/appeals/{decided_id}/decide", {"outcome": "upheld", "statement": "No."},
                                    format="json")  # fmt: skip
    reviewer = api_for(appeal_reviewer())

    open_ones = reviewer.get("/api/v1/appeals").json()["results"]
    upheld = reviewer.get("/api/v1/appeals", {"state": "upheld"}).json()["results"]
    broken = reviewer.get("/api/v1/appeals", {"cursor": "x"})
    by_moderator = api_for(moderator()).get("/api/v1/appeals")
    by_anyone = APIClient().get("/api/v1/appeals")

    assert [a["id"] for a in open_ones] == [open_id]
    assert [a["id"] for a in upheld] == [decided_id]
    assert broken.status_code == 400
    assert "cursor" in broken.json()["errors"]
    assert by_moderator.status_code == 403
    assert by_anyone.status_code in (401, 403)
