"""A quarantine on real parts (issue 22): a moderator quarantines a repository, the real worker
delivers the signed webhook, the hub's copy in hubmod says quarantined; the uploader appeals, a
reviewer grants it, the quarantine is lifted and the copy is listed again. Each action goes out
under a webhook-id of its own, and the signed revocation feed publishes the quarantine and its lift. (The uploader has an address of their own: the mail folder is
shared by the session's end-to-end tests, which look for their uploader's notice in it.)"""

import httpx
import pytest

from tests.e2e.parts import eventually
from tests.e2e.test_walking_skeleton import _client, _command_output

pytestmark = pytest.mark.integration


def test_a_quarantine_is_applied_then_lifted_on_appeal_with_one_webhook_id_per_action(real_parts, integration_hub):
    base = real_parts
    _command_output("seed")
    hub = _client(base, _command_output("create_hub_key", "e2e hub"))
    moderator = _client(base, _command_output("create_staff", "mod-q", "--role", "moderator"))
    reviewer = _client(base, _command_output("create_staff", "rev-q", "--role", "appeal_reviewer"))
    assert hub.put("/api/v1/hub/accounts/loader-owner", json={"email": "loader-owner@example.org"}).status_code == 201
    synced = hub.put("/api/v1/hub/repositories/loader-owner/loader", json={"kind": "model", "revision": "abc1234"})
    assert synced.status_code == 201, synced.text
    report = _client(base).post(
        "/api/v1/reports",
        json={
            "subject": {"type": "repository", "id": "loader-owner/loader", "revision": "abc1234"},
            "category": "malicious_code",
            "details": {"location": "pytorch_model.bin", "behaviour": "Runs os.system when it is loaded."},
        },
    )
    assert report.status_code == 201, report.text
    case_id = report.json()["case_id"]

    assert moderator.post(f"/api/v1/cases/{case_id}/claim").json()["state"] == "in_review"
    decided = moderator.post(
        f"/api/v1/cases/{case_id}/decide",
        json={
            "actions": ["quarantine"],
            "ground": {"policy_section": "malicious-code"},
            "intent": "unknown",
            "statement": "The checkpoint runs a shell command when it is loaded.",
            "departure_reason": "Kept for the evidence while the uploader explains.",
        },
    )
    assert decided.status_code == 200, decided.text
    decision_id = decided.json()["decision"]["id"]
    eventually(
        lambda: hub.get("/api/v1/hub/repositories/loader-owner/loader").json()["visibility"] == "quarantined",
        what="the repository to be quarantined",
    )
    [applied] = integration_hub.verified()
    assert (applied.payload["type"], applied.payload["action"]) == ("enforcement.apply", "quarantine")

    notice = httpx.get(applied.payload["statement_url"])
    token = applied.payload["statement_url"].rstrip("/").rsplit("/", 1)[1]
    appeal = _client(base).post(
        "/api/v1/appeals",
        json={"decision": decision_id, "statement": "The call is in a test fixture, never loaded.", "token": token},
    )
    assert appeal.status_code == 201, appeal.text
    granted = reviewer.post(
        f"/api/v1/appeals/{appeal.json()['id']}/decide",
        json={"outcome": "overturned", "statement": "The file is a test fixture the loader never reads."},
    )
    assert granted.status_code == 200, granted.text
    eventually(
        lambda: hub.get("/api/v1/hub/repositories/loader-owner/loader").json()["visibility"] == "listed",
        what="the quarantine to be lifted",
    )

    deliveries = integration_hub.verified()
    assert [(d.payload["type"], d.payload["action"]) for d in deliveries] == [
        ("enforcement.apply", "quarantine"),
        ("enforcement.revert", "quarantine"),
    ]
    assert len({d.webhook_id for d in deliveries}) == 2
    assert "Quarantine" in notice.text
    # The public feed revoked the repository at the reported revision, hard, then lifted it.
    feed = _client(base).get("/api/v1/revocations").json()["entries"]
    assert [(e["action"], e["severity"], e["revision"], "lifted_at" in e) for e in feed] == [
        ("quarantine", "hard", "abc1234", False),
        ("quarantine", "hard", "abc1234", True),
    ]
    assert feed[1]["lifts"] == feed[0]["seq"]
