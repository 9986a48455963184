"""Submitting statements of reasons to the DSA Transparency Database (Art. 24(5) DSA).

The database's API (https://transparency.dsa.ec.europa.eu/page/api-documentation) takes up to
100 statements in one `POST /statements` with a Bearer token, and answers for the whole batch:
a 2xx creates all of them (each answered with its `uuid` and `permalink`), a 422 creates none
and says what is wrong with which. Every statement carries our `puid`, which the database keeps
unique, so a statement it already holds is answered as such and never filed twice: that is our
idempotency. Switched on by configuration; nothing personal leaves in a statement.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from moderation.models import Decision, StatementSubmission
from moderation.transparency.statements import puid, statement_of_reasons

BATCH = 100


@dataclass(frozen=True)
class BatchResult:
    sent: int
    created: int
    already_there: int
    refused: int
    error: str = ""


def _waiting_decisions() -> list[Decision]:
    return list(
        Decision.objects.filter(
            outcome=Decision.Outcome.ACTIONED, approval=Decision.Approval.EFFECTIVE, tdb_submission__submitted_at=None
        )
        .select_related("case__repository", "case__account")
        .order_by("id")[:BATCH]
    )


def _already_held(errors: dict, index: int) -> bool:
    """Whether the database refused statement `index` only because it holds its puid already."""
    problems = errors.get(f"statement_{index}") or errors.get(str(index)) or {}
    messages = problems.get("puid", []) if isinstance(problems, dict) else []
    return bool(messages) and all("already" in str(m).lower() for m in messages) and len(problems) == 1


def statements_submit_batch() -> BatchResult:
    """Send the next batch of unsent statements; record what the database answered."""
    if not (settings.DSA_TDB_ENABLED and settings.DSA_TDB_TOKEN):
        return BatchResult(0, 0, 0, 0, "DSA Transparency Database submission is switched off.")
    decisions = _waiting_decisions()
    if not decisions:
        return BatchResult(0, 0, 0, 0)
    statements = [statement_of_reasons(d) for d in decisions]
    try:
        response = httpx.post(
            f"{settings.DSA_TDB_URL.rstrip('/')}/statements",
            json={"statements": statements},
            headers={"Authorization": f"Bearer {settings.DSA_TDB_TOKEN}", "Accept": "application/json"},
            timeout=httpx.Timeout(60.0, connect=5.0),
        )
    except httpx.HTTPError as exc:
        _record_attempt(decisions, error=f"{exc.__class__.__name__}: {exc}")
        return BatchResult(len(decisions), 0, 0, 0, str(exc))
    if response.is_success:
        answered = {item.get("puid"): item for item in response.json().get("statements", [])}
        now = timezone.now()
        with transaction.atomic():
            for decision in decisions:
                item = answered.get(puid(decision), {})
                _submission(decision)
                StatementSubmission.objects.filter(decision=decision).update(
                    submitted_at=now,
                    tdb_uuid=str(item.get("uuid", ""))[:64],
                    permalink=str(item.get("permalink", ""))[:500],
                    last_error="",
                )
        return BatchResult(len(decisions), len(decisions), 0, 0)
    if response.status_code == 422:
        errors = response.json().get("errors", {})
        held = [d for i, d in enumerate(decisions) if _already_held(errors, i)]
        for decision in held:
            _submission(decision)
        with transaction.atomic():
            StatementSubmission.objects.filter(decision__in=held).update(
                submitted_at=timezone.now(), last_error="The database holds this puid already."
            )
        refused = [d for d in decisions if d not in held]
        # All or nothing: the rest was refused with this batch; they go again next time.
        _record_attempt(refused, error=f"HTTP 422: {response.text[:2000]}")
        return BatchResult(len(decisions), 0, len(held), len(refused), "HTTP 422")
    _record_attempt(decisions, error=f"HTTP {response.status_code}: {response.text[:2000]}")
    return BatchResult(len(decisions), 0, 0, 0, f"HTTP {response.status_code}")


def _submission(decision: Decision) -> StatementSubmission:
    submission, _ = StatementSubmission.objects.get_or_create(decision=decision, defaults={"puid": puid(decision)})
    return submission


def _record_attempt(decisions: list[Decision], *, error: str) -> None:
    for decision in decisions:
        _submission(decision)
    StatementSubmission.objects.filter(decision__in=decisions).update(attempts=F("attempts") + 1, last_error=error)
