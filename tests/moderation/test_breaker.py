"""The automation circuit breaker: a hub admin's resume starts a fresh count, so the next automated
match acts instead of tripping the breaker again on the burst that tripped it."""

import pytest

from hubmod.audit.models import AuditEvent
from moderation.models import AutomationBreaker, Case, Decision
from reports.models import HashList, KnownHash
from tests.conftest import api_for
from tests.factories import hub_admin
from tests.flows import committed

BAD = "f" * 64


@pytest.fixture
def auto_list(db):
    hash_list = HashList.objects.create(
        name="payloads", category="malicious_code", note="Reverse shells.", auto_actions=["disable"]
    )
    KnownHash.objects.create(hash_list=hash_list, sha256=BAD)
    return hash_list


def sync_bad_file(hub_api, name):
    """The hub syncs a file on the list; the match is filed and decided after the sync commits."""
    with committed():
        answer = hub_api.put(
            f"/api/v1/hub/repositories/acme/{name}",
            {"kind": "model", "files": [{"path": "model.pkl", "sha256": BAD, "size": 1}]},
            format="json",
        )
    assert answer.status_code == 201
    return Case.objects.get(repository__name=name)


@pytest.mark.django_db
def test_a_resumed_breaker_counts_afresh_and_trips_again_only_at_the_limit(
    seeded, hub_receiver, hub_api, auto_list, settings
):
    settings.AUTOMATION_MAX_PER_HOUR = 2
    assert [sync_bad_file(hub_api, name).state for name in ("one", "two", "three")] == ["resolved", "resolved", "open"]
    assert AutomationBreaker.objects.get().tripped

    with committed():
        resumed = api_for(hub_admin()).post("/api/v1/automation/resume")
    # Within the same hour as the two decisions that tripped it, and with the same limit.
    after = [sync_bad_file(hub_api, name).state for name in ("four", "five", "six")]

    assert resumed.status_code == 200
    assert after == ["resolved", "resolved", "open"]
    assert Decision.objects.filter(automated_decision=True).count() == 4
    assert AutomationBreaker.objects.get().tripped
    assert list(
        AuditEvent.objects.filter(verb__startswith="automation.").order_by("seq").values_list("verb", flat=True)
    ) == ["automation.tripped", "automation.resumed", "automation.tripped"]


@pytest.mark.django_db
def test_resuming_a_running_breaker_is_refused_and_restarts_no_count(
    seeded, hub_receiver, hub_api, auto_list, settings
):
    settings.AUTOMATION_MAX_PER_HOUR = 1
    sync_bad_file(hub_api, "one")
    sync_bad_file(hub_api, "two")
    with committed():
        assert api_for(hub_admin()).post("/api/v1/automation/resume").status_code == 200
    resumed = AutomationBreaker.objects.get()

    with committed():
        refused = api_for(hub_admin()).post("/api/v1/automation/resume")

    assert refused.status_code == 400
    assert AutomationBreaker.objects.get().resumed_at == resumed.resumed_at
    assert AuditEvent.objects.filter(verb="automation.resumed").count() == 1
    assert sync_bad_file(hub_api, "three").state == "resolved"
    assert sync_bad_file(hub_api, "four").state == "open"
