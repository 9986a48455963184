"""Staged release: each stage behind a gate; a severe case halts the release and steps it back by
itself; every stage change is audited and sent to the hub as `release.stage_changed`."""

import pytest

from hubmod.audit.models import AuditEvent
from moderation.models import Case
from review.models import Release, Review
from review.services.releases import releases_sweep
from tests.conftest import api_for
from tests.factories import hub_admin, moderator
from tests.flows import committed, file
from tests.review.cards import COMPLETE_CARD, card_without

REPO = "acme/frontier-70b"


# Each step runs its on-commit work (the hub's webhooks, the halt a severe case sets off) before
# the next, as each request's commit would.


def sync(hub_api, card=COMPLETE_CARD, revision="a" * 40):
    body = {"kind": "model", "revision": revision, "card": card, "capability_tags": ["cyber-offense"]}
    with committed():
        return hub_api.put(f"/api/v1/hub/repositories/{REPO}", body, format="json")


def start(hub_api):
    with committed():
        return hub_api.post(f"/api/v1/releases/{REPO}/start")


def approve_review():
    review = Review.objects.get(kind="pre_publication", state="pending")
    with committed():
        api_for(moderator()).post(
            f"/api/v1/reviews/{review.pk}/decide", {"outcome": "approved", "reasons": "Fine."}, format="json"
        )


def advance(client, to=None):
    with committed():
        return client.post(f"/api/v1/releases/{REPO}/advance", {"to": to} if to else {}, format="json")


@pytest.mark.django_db
def test_the_hub_starts_a_release_at_the_first_stage(seeded, hub_api, hub_receiver):
    sync(hub_api)

    response = start(hub_api)

    assert response.status_code == 201
    assert response.json()["stage"] == "private"
    assert response.json()["next_gate"]["stage"] == "trusted_partners"
    assert hub_api.get(f"/api/v1/hub/repositories/{REPO}").json()["release_stage"] == "private"
    [event] = hub_receiver.wait_for(lambda d: d.payload["type"] == "release.stage_changed")
    assert (event.payload["from"], event.payload["to"]) == (None, "private")


@pytest.mark.django_db
def test_advancing_is_blocked_until_the_review_is_approved(seeded, hub_api):
    sync(hub_api)
    start(hub_api)

    blocked = advance(hub_api)

    assert blocked.status_code == 409
    assert blocked.json()["state"] == "trusted_partners"
    assert "review of revision" in blocked.json()["unmet"][0]
    assert Release.objects.get().stage.key == "private"


@pytest.mark.django_db
def test_advancing_is_allowed_once_the_gate_is_cleared_and_each_change_is_audited(seeded, hub_api, hub_receiver):
    sync(hub_api)
    start(hub_api)
    approve_review()

    first = advance(hub_api, to="trusted_partners")
    skipping = advance(hub_api, to="public")
    second = advance(api_for(moderator()))  # moderators may not; senior reviewers may
    third = advance(api_for(hub_admin()))

    assert first.status_code == 200
    assert skipping.status_code == 400
    assert second.status_code == 403
    assert third.status_code == 200
    assert third.json()["stage"] == "researchers"
    changes = AuditEvent.objects.filter(verb="release.stage_changed").order_by("seq")
    assert [(e.data["from"], e.data["to"]) for e in changes] == [
        (None, "private"),
        ("private", "trusted_partners"),
        ("trusted_partners", "researchers"),
    ]
    stages = [d.payload["to"] for d in hub_receiver.verified() if d.payload["type"] == "release.stage_changed"]
    assert stages == ["private", "trusted_partners", "researchers"]


@pytest.mark.django_db
def test_a_stage_that_requires_documentation_is_blocked_by_a_missing_required_item(seeded, hub_api):
    sync(hub_api, card=card_without("Evaluation"))
    start(hub_api)
    approve_review()
    advance(hub_api)

    blocked = advance(hub_api)

    assert blocked.status_code == 409
    assert "missing: evaluation" in blocked.json()["unmet"][0]


@pytest.mark.django_db
def test_a_severe_case_halts_the_release_steps_it_back_and_blocks_advancing(seeded, hub_api, hub_receiver):
    sync(hub_api)
    start(hub_api)
    approve_review()
    advance(hub_api)
    advance(hub_api)
    repository = Release.objects.get().repository

    with committed():
        file(repository, "malicious_code")  # high severity
    blocked = advance(hub_api)
    with committed():
        sweep = releases_sweep()  # the sweeper finds nothing left to do: stepped back once

    release = Release.objects.get()
    assert release.stage.key == "trusted_partners"
    assert release.halted_at is not None
    assert "malicious_code" in release.halt_reason
    assert blocked.status_code == 409
    assert "No high-severity case may be open" in " ".join(blocked.json()["unmet"])
    assert sweep == 0
    last = [d.payload for d in hub_receiver.verified() if d.payload["type"] == "release.stage_changed"][-1]
    assert (last["from"], last["to"], last["halted"]) == ("researchers", "trusted_partners", True)


@pytest.mark.django_db
def test_a_low_severity_case_does_not_halt_a_release(seeded, hub_api):
    sync(hub_api)
    start(hub_api)
    approve_review()
    advance(hub_api)

    with committed():
        file(Release.objects.get().repository, "spam")

    release = Release.objects.get()
    assert release.stage.key == "trusted_partners"
    assert release.halted_at is None


@pytest.mark.django_db
def test_the_sweeper_steps_back_a_release_whose_case_dispatch_was_lost(seeded, hub_api):
    sync(hub_api)
    start(hub_api)
    approve_review()
    advance(hub_api)
    repository = Release.objects.get().repository
    # Opened without the dispatch a filed report makes, as if the broker had lost it.
    Case.objects.create(repository=repository, category="malicious_code", due_at=repository.created_at)

    with committed():
        acted = releases_sweep()
    with committed():
        again = releases_sweep()

    assert (acted, again) == (1, 0)
    assert Release.objects.get().stage.key == "private"
