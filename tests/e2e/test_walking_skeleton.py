"""One report travels the whole path on real parts: HTTP into a live server, a real Celery worker
on the configured broker, and a real HTTP hub receiver that verifies every webhook signature."""

import re
import time
from pathlib import Path

import httpx
import pytest
from django.core.management import call_command

from hubmod.audit.models import AuditEvent

pytestmark = pytest.mark.integration


def _command_output(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def _eventually(check, timeout=30.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"Timed out waiting for {what}")


def _client(base, token=None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=base, headers=headers, timeout=10)


def test_report_to_delisting_to_appeal_to_relisting(real_parts, integration_hub, mail_dir: Path):
    base = real_parts
    _command_output("seed")
    hub = _client(base, _command_output("create_hub_key", "e2e hub"))
    moderator = _client(base, _command_output("create_staff", "mod", "--role", "moderator"))
    reviewer = _client(base, _command_output("create_staff", "rev", "--role", "appeal_reviewer"))

    # The hub syncs the uploader and the repository.
    assert hub.put("/api/v1/hub/accounts/uploader", json={"email": "uploader@example.org"}).status_code == 201
    assert (
        hub.put(
            "/api/v1/hub/repositories/uploader/novel-model", json={"kind": "model", "revision": "abc1234"}
        ).status_code
        == 201
    )

    # Someone files a DMCA notice; it opens a case.
    report = _client(base).post(
        "/api/v1/reports",
        json={
            "subject": {"type": "repository", "id": "uploader/novel-model", "revision": "abc1234"},
            "category": "copyright",
            "details": {
                "copyrighted_work": "The novel 'Example'",
                "infringing_location": "data/train.jsonl",
                "contact_name": "Rita Rightsholder",
                "contact_email": "rita@publisher.example",
                "contact_address": "1 Main St, Springfield, US",
                "good_faith_statement": True,
                "accuracy_statement": True,
                "authorized_to_act": True,
                "signature": "Rita Rightsholder",
            },
            "reporter": {"name": "Rita Rightsholder", "email": "rita@publisher.example"},
        },
    )
    assert report.status_code == 201, report.text
    case_id = report.json()["case_id"]

    # A moderator claims and decides; the worker delivers the signed webhook; the hub acknowledges.
    assert moderator.post(f"/api/v1/cases/{case_id}/claim").json()["state"] == "in_review"
    decided = moderator.post(
        f"/api/v1/cases/{case_id}/decide",
        json={
            "actions": ["delist"],
            "ground": {"policy_section": "copyright"},
            "intent": "unknown",
            "statement": "The training data contains the full text of the novel.",
        },
    )
    assert decided.status_code == 200, decided.text
    decision_id = decided.json()["decision"]["id"]
    _eventually(
        lambda: hub.get("/api/v1/hub/repositories/uploader/novel-model").json()["visibility"] == "delisted",
        what="the repository to be delisted",
    )
    [apply] = integration_hub.verified()
    assert apply.payload["type"] == "enforcement.apply"
    assert apply.payload["decision"] == decision_id

    # The uploader is e-mailed the statement of reasons with a link to the notice.
    def uploader_mail():
        for path in mail_dir.glob("*.log"):
            text = path.read_text()
            if "To: uploader@example.org" in text and "/notices/" in text:
                return text
        return None

    mail = _eventually(uploader_mail, what="the statement of reasons e-mail")
    notice_url = re.search(r"(http://\S+/notices/[^/\s]+/)", mail).group(1)
    token = notice_url.rstrip("/").rsplit("/", 1)[1]
    notice_page = httpx.get(notice_url)
    assert notice_page.status_code == 200
    assert "The training data contains the full text of the novel." in notice_page.text
    assert "Rita" not in notice_page.text

    # The uploader appeals; a reviewer who is not the decider overturns; the hub is told to revert.
    appeal = _client(base).post(
        "/api/v1/appeals", json={"decision": decision_id, "statement": "I own this text.", "token": token}
    )
    assert appeal.status_code == 201, appeal.text
    assert (
        moderator.post(
            f"/api/v1/appeals/{appeal.json()['id']}/decide", json={"outcome": "overturned", "statement": "x"}
        ).status_code
        == 403
    )
    overturned = reviewer.post(
        f"/api/v1/appeals/{appeal.json()['id']}/decide",
        json={"outcome": "overturned", "statement": "The uploader showed a licence from the publisher."},
    )
    assert overturned.status_code == 200, overturned.text
    _eventually(
        lambda: hub.get("/api/v1/hub/repositories/uploader/novel-model").json()["visibility"] == "listed",
        what="the repository to be listed again",
    )
    types = [d.payload["type"] for d in integration_hub.verified()]
    assert types == ["enforcement.apply", "enforcement.revert"]
    assert all(d.verified for d in integration_hub.deliveries)

    # Every state change is in the audit log.
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {
        "report.filed",
        "case.opened",
        "case.claim",
        "case.resolve",
        "decision.created",
        "enforcementaction.mark_applied",
        "repository.delist",
        "appeal.submitted",
        "appeal.overturn",
        "enforcementaction.reversal_created",
        "enforcementaction.mark_reverted",
        "repository.reinstate",
    } <= verbs


def test_health_is_green_with_a_live_worker(real_parts):
    body = httpx.get(f"{real_parts}/health/?format=json", timeout=30).json()

    assert body
    assert all(result == "OK" for result in body.values()), body
