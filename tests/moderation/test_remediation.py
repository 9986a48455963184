"""A remediation window closes as remediated only when the reported bytes are gone from the new
revision: renaming or moving the file keeps them. A remediated decision enforces nothing, and its
strike is lifted with it, as the uploader's notice says no action was taken."""

import pytest

from hub.models import Repository
from hubmod.audit.models import AuditEvent
from hubmod.celery import app
from moderation.models import Decision, EnforcementAction, Strike
from tests.conftest import api_for
from tests.factories import moderator
from tests.flows import committed, decide, file

NOVEL = "c" * 64
OTHER = "a" * 64


# Each step runs its on-commit work (the remediation check a sync sets off) before the next, as
# each request's commit would.


def sync(hub_api, revision, files):
    with committed():
        answer = hub_api.put("/api/v1/hub/repositories/acme/tiny", {"kind": "model", "revision": revision,
                         "files": [{"path": p, "sha256": h, "size": 1} for p, h in files]}, format="json")  # fmt: skip
    assert answer.status_code in (200, 201)


def held_decision(hub_api, mod, **subject):
    sync(hub_api, "aaa1111", [("data/novel.txt", NOVEL), ("README.md", OTHER)])
    with committed():
        filed = file(Repository.objects.get(full_name="acme/tiny"), "other", path="data/novel.txt", **subject)
    with committed():
        assert decide(mod, filed["case_id"], remediation_days=5).status_code == 200
    return Decision.objects.get()


def strikes_shown(mod, decision) -> list:
    return mod.get(f"/api/v1/cases/{decision.case_id}").json()["context"]["active_strikes"]


@pytest.mark.django_db
def test_the_reported_file_renamed_is_not_a_remediation(seeded, hub_receiver, hub_api):
    mod = api_for(moderator())
    decision = held_decision(hub_api, mod)

    sync(hub_api, "bbb2222", [("data/renamed.txt", NOVEL), ("README.md", OTHER)])

    assert Decision.objects.get().remediated_at is None
    assert EnforcementAction.objects.get().state == "pending"
    assert Strike.objects.get(decision=decision).revoked_at is None
    assert not AuditEvent.objects.filter(verb__in=["decision.remediated", "strike.revoked"]).exists()


@pytest.mark.django_db
def test_the_reported_bytes_gone_close_the_window_and_lift_the_strike(seeded, hub_receiver, hub_api):
    mod = api_for(moderator())
    decision = held_decision(hub_api, mod)
    assert len(strikes_shown(mod, decision)) == 1

    sync(hub_api, "bbb2222", [("data/renamed.txt", NOVEL)])  # renamed first: still there
    sync(hub_api, "ccc3333", [("data/novel.txt", OTHER)])  # the old path, new bytes: gone

    decision.refresh_from_db()
    assert decision.remediated_at is not None
    assert EnforcementAction.objects.get().state == "cancelled"
    assert Strike.objects.get(decision=decision).revoked_at is not None
    assert strikes_shown(mod, decision) == []
    assert AuditEvent.objects.get(verb="strike.revoked").data == {"strikes": 1, "reason": "remediated"}
    assert hub_receiver.verified() == []


@pytest.mark.django_db
def test_a_report_naming_the_digest_is_held_to_it_under_any_path(seeded, hub_receiver, hub_api):
    mod = api_for(moderator())
    sync(hub_api, "aaa1111", [("model.pkl", NOVEL)])
    repo = Repository.objects.get(full_name="acme/tiny")
    with committed():
        case_id = file(repo, "malicious_code", path="model.pkl")["case_id"]  # the sample's details name "b" * 64
    with committed():
        decided = decide(mod, case_id, remediation_days=5, departure_reason="A first offence: a fix is enough.")
    assert decided.status_code == 200, decided.json()

    sync(hub_api, "bbb2222", [("weights/model.pkl", "b" * 64)])

    assert Decision.objects.get().remediated_at is None
    assert EnforcementAction.objects.get().state == "pending"


@pytest.mark.django_db
def test_the_worker_task_judges_by_digest_lifts_the_strike_once_and_is_idempotent(seeded, hub_receiver, hub_api):
    mod = api_for(moderator())
    decision = held_decision(hub_api, mod)
    repo = Repository.objects.get(full_name="acme/tiny")
    task = app.tasks["moderation.remediation_check"]  # as the worker runs it, by name with an id

    sync(hub_api, "bbb2222", [("data/moved.txt", NOVEL)])
    with committed():
        kept = task.apply(args=[repo.pk]).result
    sync(hub_api, "ccc3333", [])
    with committed():
        again = task.apply(args=[repo.pk]).result

    assert (kept, again) == (0, 0)
    assert Decision.objects.get().remediated_at is not None
    assert Strike.objects.get(decision=decision).revoked_at is not None
    assert AuditEvent.objects.filter(verb="strike.revoked").count() == 1
    assert AuditEvent.objects.filter(verb="decision.remediated").count() == 1
