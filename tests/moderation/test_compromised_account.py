"""A compromised account is its own kind of decision (issue 22): its owner is the victim. The hub
is asked to revoke the account's tokens and freeze its pushes, and to roll the repository back to
the last revision published before the compromise; no strike is given, and the notice says so."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hub.models import Repository, RepositoryRevision
from moderation.models import Strike
from tests.conftest import api_for, hub_client
from tests.factories import AccountFactory, moderator
from tests.flows import committed, file

BEFORE, AFTER = "1111aaa", "2222bbb"


def compromised_repository() -> tuple[Repository, object]:
    """acme/tiny published BEFORE two days ago; someone else published AFTER through the account today."""
    AccountFactory(handle="acme", email="owner@acme.example")
    hub = hub_client()
    assert hub.put(
        "/api/v1/hub/repositories/acme/tiny", {"kind": "model", "revision": BEFORE}, format="json"
    ).status_code in (200, 201)
    RepositoryRevision.objects.filter(revision=BEFORE).update(first_synced_at=timezone.now() - timedelta(days=2))
    assert hub.put(
        "/api/v1/hub/repositories/acme/tiny", {"kind": "model", "revision": AFTER}, format="json"
    ).status_code in (200, 201)
    return Repository.objects.get(full_name="acme/tiny"), timezone.now() - timedelta(days=1)


def decide_compromised(case_id: int, since, **body):
    mod = api_for(moderator())
    mod.post(f"/api/v1/cases/{case_id}/claim")
    payload = {"actions": ["secure_account", "rollback"], "ground": {"policy_section": "malicious-code"},
               "intent": "compromised", "compromised_since": since.isoformat(),
               "statement": "A stolen token pushed a pickle that runs a shell.", **body}  # fmt: skip
    return mod.post(f"/api/v1/cases/{case_id}/decide", payload, format="json")


@pytest.mark.django_db
def test_the_hub_is_asked_to_secure_the_account_and_roll_back_and_the_victim_gets_no_strike(
    seeded, hub_receiver, mailoutbox
):
    repository, since = compromised_repository()
    case_id = file(repository, "malicious_code")["case_id"]

    recommended = api_for(moderator()).get(f"/api/v1/cases/{case_id}").json()["recommendation"]["compromised"]
    with committed():
        decided = decide_compromised(case_id, since)

    assert decided.status_code == 200, decided.content
    assert recommended == ["secure_account", "rollback"]
    sent = {d.payload["action"]: d.payload for d in hub_receiver.verified()}
    assert sent["secure_account"]["subject"] == {"type": "account", "id": "acme"}
    assert sent["rollback"]["subject"] == {"type": "repository", "id": "acme/tiny"}
    assert sent["rollback"]["revision"] == BEFORE
    assert not Strike.objects.exists()
    notice = next(m for m in mailoutbox if m.to == ["owner@acme.example"])
    assert "no strike was given to your account" in notice.body
    assert "  - secure_account\n  - rollback" in notice.body


@pytest.mark.django_db
def test_what_does_not_fit_a_compromised_account_is_refused_saying_why(seeded):
    repository, since = compromised_repository()
    case_id = file(repository, "malicious_code")["case_id"]

    punished = decide_compromised(case_id, since, actions=["suspend_account"], departure_reason="x")
    undated = decide_compromised(case_id, since, compromised_since=None)
    too_early = decide_compromised(case_id, timezone.now() - timedelta(days=30))
    not_compromised = decide_compromised(case_id, since, intent="deliberate", departure_reason="x")

    assert punished.status_code == 400
    assert "would punish them" in punished.json()["errors"]["actions"][0]
    assert undated.status_code == 400
    assert too_early.status_code == 400
    assert "knows no revision of acme/tiny published before" in too_early.json()["errors"]["compromised_since"][0]
    assert not_compromised.status_code == 400
    assert "compromised" in not_compromised.json()["errors"]["intent"][0]
