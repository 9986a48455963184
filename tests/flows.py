"""Steps many tests take through the public API: file a report, claim and decide its case, appeal
the decision and decide the appeal. They go through the same doors a user does, so a test arranged
with them arranges what a user could have done."""

import re
from contextlib import contextmanager

from django.test import TestCase
from rest_framework.test import APIClient

from tests.conftest import api_for
from tests.reports.samples import complete_details

STATEMENT = "The demo impersonates a named journalist."
APPEAL_STATEMENT = "It is mine."


@contextmanager
def committed():
    """The block's on-commit work (eager tasks, webhooks to the stand-in hub, mail) runs when it
    ends, as it would after a real commit, while the test keeps its rollback: what pytest-django's
    `django_capture_on_commit_callbacks(execute=True)` does, for helpers without the fixture."""
    with TestCase.captureOnCommitCallbacks(execute=True) as callbacks:
        yield callbacks


def post_report(repo, category="other", *, client=None, reporter=None, details=None, headers=None, **subject):
    """POST a report of `category` about `repo`, complete unless `details` says otherwise; `subject`
    adds path, lines or revision. Returns the response."""
    body = {"subject": {"type": "repository", "id": repo.full_name, **subject}, "category": category,
            "details": complete_details(category) if details is None else details}  # fmt: skip
    if reporter is not None:
        body["reporter"] = reporter
    return (client or APIClient()).post("/api/v1/reports", body, format="json", **(headers or {}))


def file(repo, category="other", **kwargs) -> dict:
    """File a complete report of `category` about `repo` (see `post_report`); returns its body."""
    return post_report(repo, category, **kwargs).json()


def decide(client, case_id, **body):
    """Claim the case and decide it: by default a deliberate delist on the harmful-use section."""
    client.post(f"/api/v1/cases/{case_id}/claim")
    payload = {"actions": ["delist"], "ground": {"policy_section": "harmful-use"}, "intent": "deliberate",
               "statement": STATEMENT, **body}  # fmt: skip
    return client.post(f"/api/v1/cases/{case_id}/decide", payload, format="json")


def dismiss(client, case_id, statement="Fine.", reason="no_violation"):
    """Claim the case and dismiss it."""
    client.post(f"/api/v1/cases/{case_id}/claim")
    return client.post(f"/api/v1/cases/{case_id}/dismiss", {"reason": reason, "statement": statement}, format="json")


def notice_token(mailoutbox, email="uploader@example.org") -> str:
    """The token of the notice link mailed to `email`: what the uploader appeals with."""
    mail = next(m for m in mailoutbox if m.to == [email] and "/notices/" in m.body)
    return re.search(r"/notices/([^/\s]+)/", mail.body).group(1)


def appeal(decision_id, token, statement=APPEAL_STATEMENT, **extra):
    """The uploader appeals the decision with their notice's token."""
    body = {"decision": decision_id, "statement": statement, "token": token, **extra}
    return APIClient().post("/api/v1/appeals", body, format="json")


def appeal_decide(user, appeal_id, outcome, statement="Reviewed.", **extra):
    """`user` decides the appeal: upheld, overturned or modified."""
    body = {"outcome": outcome, "statement": statement, **extra}
    return api_for(user).post(f"/api/v1/appeals/{appeal_id}/decide", body, format="json")
