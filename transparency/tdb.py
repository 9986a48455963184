"""Submitting statements of reasons to the DSA Transparency Database (Art. 24(5) DSA).

The database takes up to 100 statements in one `POST /statements` with a Bearer token, and answers
for the whole batch; how it answers is read from its source, github.com/digital-services-act/
transparency-database at commit 69e80a0bc8eb3cbfbe8246e898194c3bdf490a4b
(app/Http/Controllers/Api/v1/StatementMultipleAPIController.php, PlatformUniqueIdService.php,
app/Exceptions/PuidNotUniqueMultipleException.php):

- 201 `{"statements": [...]}`: all created, each answered with its `puid`, `uuid` and `permalink`;
- 422 `{"errors": {"statement_<i>": {field: [...]}}}`: the statements at those positions break a
  rule, and none was created;
- 422 `{"message", "errors": {"puid": [...], "existing_puids": [...]}}`: it holds those puids
  already (our idempotency: one puid per decision), and none was created;
- 422 `{"message", "errors": {"statements": [...]}}`: the batch itself is wrong (empty, over 100).

Each refusal names what it refuses, so a run takes those out, records why on them, and sends the
rest again at once: one bad or already-held statement never holds back the others. A refused
statement waits behind every statement not yet tried, so it cannot stall the queue either.
Switched on by configuration; nothing personal leaves in a statement.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from hubmod.actors import SYSTEM
from hubmod.audit import log as audit
from moderation.models import Decision
from transparency.models import StatementSubmission
from transparency.statements import StatedDecision, _decisions, puid, statements_of

BATCH = 100
HELD = "The database holds this puid already."


@dataclass(frozen=True)
class BatchResult:
    sent: int
    created: int
    already_there: int
    refused: int
    error: str = ""


def _waiting_decisions() -> list[StatedDecision]:
    # Never tried first, in decision order; then those tried before, the fewest attempts first: a
    # statement the database keeps refusing goes behind the rest instead of in front of them.
    # Two queries, so that the first walks the primary key instead of sorting every waiting row.
    waiting = _decisions().filter(tdb_submission__submitted_at=None)
    fresh = list(waiting.filter(Q(tdb_submission=None) | Q(tdb_submission__attempts=0)).order_by("id")[:BATCH])
    if len(fresh) == BATCH:
        return fresh
    tried = waiting.filter(tdb_submission__attempts__gt=0).order_by("tdb_submission__attempts", "id")
    return fresh + list(tried[: BATCH - len(fresh)])


def statements_submit_batch() -> BatchResult:
    """Send the next batch of unsent statements; record what the database answered of each."""
    if not (settings.DSA_TDB_ENABLED and settings.DSA_TDB_TOKEN):
        return BatchResult(0, 0, 0, 0, "DSA Transparency Database submission is switched off.")
    decisions = _waiting_decisions()
    if not decisions:
        return BatchResult(0, 0, 0, 0)
    _submissions_ensure(decisions)
    pending = dict(zip([puid(d) for d in decisions], statements_of(decisions), strict=True))
    created = held = refused = 0
    # Each 422 takes at least one statement out, so this ends after at most len(pending) + 1 rounds.
    while pending:
        outcome = _post(list(pending.values()))
        if isinstance(outcome, str):  # no answer, or one that refuses the batch as a whole
            _attempts_record(list(pending), error=outcome)
            return BatchResult(len(decisions), created, held, refused + len(pending), outcome)
        status, body = outcome
        if 200 <= status < 300:
            created += _created_record(pending, body)
            break
        errors = body.get("errors") if isinstance(body, dict) else None
        errors = errors if isinstance(errors, dict) else {}
        positions = list(pending)
        bad = {
            positions[int(key.removeprefix("statement_"))]: problems
            for key, problems in errors.items()
            if key.startswith("statement_")
            and key.removeprefix("statement_").isdigit()
            and int(key.removeprefix("statement_")) < len(positions)
        }
        existing = errors.get("existing_puids") if "puid" in errors else None
        existing = [str(p) for p in existing if str(p) in pending] if isinstance(existing, list) else []
        if bad:
            for key, problems in bad.items():
                _attempts_record(
                    [key], error=f"Refused by the DSA Transparency Database: {json.dumps(problems)}"[:4000]
                )
                pending.pop(key)
            refused += len(bad)
        elif existing:
            _held_record(existing)
            for key in existing:
                pending.pop(key)
            held += len(existing)
        else:
            error = f"HTTP {status}: {json.dumps(body)[:2000]}"
            _attempts_record(list(pending), error=error)
            return BatchResult(len(decisions), created, held, refused + len(pending), error)
    return BatchResult(len(decisions), created, held, refused)


def _post(statements: list[dict]) -> tuple[int, dict] | str:
    """The database's answer, or why there is none (network, a 5xx, a 429, an answer not JSON)."""
    try:
        response = httpx.post(
            f"{settings.DSA_TDB_URL.rstrip('/')}/statements",
            json={"statements": statements},
            headers={"Authorization": f"Bearer {settings.DSA_TDB_TOKEN}", "Accept": "application/json"},
            timeout=httpx.Timeout(60.0, connect=5.0),
        )
    except httpx.HTTPError as exc:
        return f"{exc.__class__.__name__}: {exc}"
    if response.status_code != 422 and not response.is_success:
        return f"HTTP {response.status_code}: {response.text[:2000]}"
    try:
        return response.status_code, response.json()
    except ValueError:
        return f"HTTP {response.status_code}, not JSON: {response.text[:2000]}"


def _submissions_ensure(decisions: Sequence[Decision]) -> None:
    StatementSubmission.objects.bulk_create(
        [StatementSubmission(decision=d, puid=puid(d)) for d in decisions], ignore_conflicts=True
    )


@transaction.atomic
def _created_record(pending: dict[str, dict], body: dict) -> int:
    answered = body.get("statements") if isinstance(body, dict) else None
    answered = {str(item.get("puid")): item for item in answered or [] if isinstance(item, dict)}
    now = timezone.now()
    for key in pending:
        item = answered.get(key, {})
        StatementSubmission.objects.filter(puid=key).update(
            submitted_at=now,
            tdb_uuid=str(item.get("uuid") or "")[:64],
            permalink=str(item.get("permalink") or "")[:500],
            last_error="",
        )
    submissions = list(StatementSubmission.objects.filter(puid__in=list(pending)))
    audit.record_many(actor=SYSTEM, verb="statement.submitted", targets=submissions)
    return len(pending)


@transaction.atomic
def _held_record(puids: list[str]) -> None:
    # Only the ones still waiting: a run that created them may have recorded their uuid already.
    submissions = list(StatementSubmission.objects.select_for_update().filter(puid__in=puids, submitted_at=None))
    StatementSubmission.objects.filter(pk__in=[s.pk for s in submissions]).update(
        submitted_at=timezone.now(), last_error=HELD
    )
    audit.record_many(actor=SYSTEM, verb="statement.already_held", targets=submissions)


@transaction.atomic
def _attempts_record(puids: list[str], *, error: str) -> None:
    StatementSubmission.objects.filter(puid__in=puids, submitted_at=None).update(
        attempts=F("attempts") + 1, last_error=error
    )
