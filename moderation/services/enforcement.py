"""Enforcement: delivering actions to the hub exactly once, retrying, reverting, sweeping."""

from __future__ import annotations

import contextlib
import functools
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast
from uuid import UUID

from django.conf import settings
from django.core.cache import cache
from django.db import connection, models, transaction
from django.urls import reverse
from django.utils import timezone
from redis.exceptions import RedisError

from hub.client import Delivery, DeliveryResult, HubClient, delivery_record
from hub.models import Account, Repository, RepositoryFile
from hub.services import subject_apply_effect
from hubmod import hooks
from hubmod.actors import SYSTEM, Actor
from hubmod.audit import log as audit
from hubmod.errors import NotFound
from hubmod.sql import concrete_field, planned_once, read_as_orm
from hubmod.tasks import dispatch_now, dispatch_on_commit
from moderation.models import Case, Decision, EnforcementAction, Strike
from moderation.queries import CLAIM_BATCH_SQL, CLAIM_ONE_SQL, LOCKED
from moderation.selectors import notice_token_for
from moderation.services.notices import UPSTREAM_KINDS

ACCOUNT_KINDS = {
    EnforcementAction.Kind.RESTRICT_ACCOUNT,
    EnforcementAction.Kind.SUSPEND_ACCOUNT,
    EnforcementAction.Kind.SECURE_ACCOUNT,
}


@functools.cache
def _outgoing_fields() -> tuple[models.Field[Any, Any], ...]:
    """The model field behind each column moderation.queries' claim selects, in order."""
    action = [
        concrete_field(EnforcementAction, name)
        for name in (
            "id",
            "state",
            "kind",
            "reverses",
            "idempotency_key",
            "not_before",
            "created_at",
            "decision",
            "rollback_to",
        )
    ]
    subject = [(Case, "repository"), (Repository, "full_name"), (Case, "account"), (Account, "id"), (Account, "handle")]
    return (*action, *(concrete_field(model, name) for model, name in subject))


@dataclass(frozen=True)
class OutgoingAction:
    """What a delivery reads before it sends: the action, and its case's subject by id and by name."""

    pk: int
    state: str
    kind: str
    reverses_id: int | None
    idempotency_key: UUID
    not_before: datetime | None
    created_at: datetime
    decision_id: int
    rollback_to: str
    # A case is about a repository or about an account; either way it has an uploader.
    repository_id: int | None
    repository_full_name: str | None
    account_id: int | None
    uploader_id: int
    uploader_handle: str

    @classmethod
    def claim(cls, *, action_id: int | None = None, limit: int = 1) -> list[OutgoingAction]:
        """Lock sendable actions for the caller's transaction: one by id, or a batch of those due."""
        now = timezone.now()
        if action_id is not None:
            sql, params = CLAIM_ONE_SQL, [action_id, now]
        else:
            sql, params = CLAIM_BATCH_SQL, [now, now, limit]
        return cls._read(sql + (LOCKED if connection.vendor == "postgresql" else ""), params)

    @classmethod
    def _read(cls, sql: str, params: list[Any]) -> list[OutgoingAction]:
        with planned_once() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [cls(*read_as_orm(_outgoing_fields(), row)) for row in rows]

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    @property
    def hits_account(self) -> bool:
        """Account kinds act on the uploader; any kind on an account's case acts on that account."""
        return self.kind in ACCOUNT_KINDS or self.account_id is not None

    def subject_key(self) -> dict[str, int]:
        """The row the hub's acknowledgement changes, as `subject_apply_effect` takes it."""
        return {"account_id": self.uploader_id} if self.hits_account else {"repository_id": self._repository_id}

    def subject_name(self) -> str:
        return self.uploader_handle if self.hits_account else cast(str, self.repository_full_name)

    @property
    def _repository_id(self) -> int:
        # case_has_one_subject: a case that is not about an account is about a repository.
        return cast(int, self.repository_id)


def webhook_payload(action: OutgoingAction) -> dict[str, Any]:
    # The notice token is signed over the decision's pk alone: no need to load the decision for it.
    notice_token = notice_token_for(Decision(pk=action.decision_id))
    return {
        "type": "enforcement.revert" if action.is_reversal else "enforcement.apply",
        "action": action.kind,
        "subject": {"type": "account" if action.hits_account else "repository", "id": action.subject_name()},
        "decision": action.decision_id,
        "statement_url": settings.BASE_URL + reverse("notice", args=[notice_token]),
        "created_at": action.created_at.isoformat(),
        # A rollback says what to: the last revision published before the account was compromised.
        **({"revision": action.rollback_to} if action.kind == EnforcementAction.Kind.ROLLBACK else {}),
    }


@dataclass(frozen=True)
class Sent:
    outgoing: OutgoingAction
    result: DeliveryResult | None  # None: a reversal not sent, as what it undoes never applied


NOTHING_TO_REVERT = "Nothing to revert: the action it undoes never applied."


def _send_claimed(claimed: list[OutgoingAction], client: HubClient) -> tuple[list[Sent], list[int], float | None]:
    """Send claimed actions in order. A reversal waits until what it undoes has applied (the states
    of those are read in one query). Stops early when the hub is in trouble (no use sending it the
    rest now) or the batch has run out of time. Returns what was sent, the ids set aside to wait,
    and the seconds they wait for."""
    sent: list[Sent] = []
    waiting: list[int] = []
    wait_seconds = settings.ENFORCEMENT_RETRY_BASE_SECONDS
    deadline = time.monotonic() + settings.ENFORCEMENT_BATCH_SECONDS
    originals = dict(
        EnforcementAction.objects.filter(pk__in=[o.reverses_id for o in claimed if o.is_reversal]).values_list(
            "pk", "state"
        )
    )
    for index, outgoing in enumerate(claimed):
        if outgoing.reverses_id is not None:
            original = originals[outgoing.reverses_id]
            if original == EnforcementAction.State.PENDING:
                waiting.append(outgoing.pk)
                continue
            if original == EnforcementAction.State.FAILED:
                sent.append(Sent(outgoing, None))
                continue
        result = client.send(msg_id=f"msg_{outgoing.idempotency_key.hex}", payload=webhook_payload(outgoing))
        sent.append(Sent(outgoing, result))
        if result.outcome is Delivery.RETRY:
            waiting += [o.pk for o in claimed[index + 1 :]]
            break
        if time.monotonic() > deadline:
            break  # the rest are released at commit and claimed by the next batch
    return sent, waiting, wait_seconds if waiting else None


def _record(sent: list[Sent]) -> list[float | None]:
    """Record each answer on its action (locked by the claim), in the caller's transaction."""
    actions = EnforcementAction.objects.in_bulk([s.outgoing.pk for s in sent])
    delays: list[float | None] = []
    applied: list[EnforcementAction] = []
    for done in sent:
        action = actions[done.outgoing.pk]
        if action.state != EnforcementAction.State.PENDING:
            delays.append(None)  # recorded by another run meanwhile (SQLite, which has no row locks)
            continue
        if done.result is None:
            audit.transition(action, "mark_failed", actor=SYSTEM, error=NOTHING_TO_REVERT, attempts=action.attempts)
            delays.append(None)
            continue
        delays.append(delivery_record(action, done.result, delivered="mark_applied"))
        if action.state == EnforcementAction.State.APPLIED:
            # On the subject the webhook named: the one the hub has just applied it to.
            subject_apply_effect(**done.outgoing.subject_key(), kind=action.kind, revert=action.is_reversal)
            if action.reverses_id is not None:
                original = EnforcementAction.objects.select_for_update().get(pk=action.reverses_id)
                audit.transition(original, "mark_reverted", actor=SYSTEM, data={"reversal": action.pk})
            applied.append(action)
            if action.kind in UPSTREAM_KINDS and not action.is_reversal and not done.outgoing.hits_account:
                dispatch_on_commit("moderation.lineage_inform", action.pk)
    if applied:
        hooks.enforcement_applied.send(sender="moderation", actions=applied)
    return delays


def _set_aside(action_ids: list[int], seconds: float) -> None:
    """Due again in `seconds`, without counting an attempt: they were not sent."""
    if action_ids:
        EnforcementAction.objects.filter(pk__in=action_ids).update(
            next_attempt_at=timezone.now() + timedelta(seconds=seconds), updated_at=timezone.now()
        )


def _sending_window() -> contextlib.AbstractContextManager[object]:
    """PostgreSQL: one transaction from claim to record, so the claimed actions stay locked while
    they are sent. SQLite: none, as its write lock would stop every other writer meanwhile."""
    return transaction.atomic() if connection.vendor == "postgresql" else contextlib.nullcontext()


@dataclass(frozen=True)
class Outcome:
    sent: list[Sent]
    waiting: list[int]  # set aside, not sent: due again in `wait_seconds`
    wait_seconds: float | None
    delays: list[float | None]  # for each sent action, the seconds to its next attempt, or None


def _send_and_record(claimed: list[OutgoingAction], client: HubClient | None) -> Outcome:
    """Send what the caller claimed, then record the answers: in the sending window's transaction
    (or one of its own), the batch's audit events chained once."""
    sent, waiting, wait_seconds = _send_claimed(claimed, client or HubClient())
    with transaction.atomic(savepoint=False), audit.batched():
        if waiting and wait_seconds is not None:
            _set_aside(waiting, wait_seconds)
        delays = _record(sent)
    return Outcome(sent, waiting, wait_seconds, delays)


def enforcement_deliver(*, action_id: int, client: HubClient | None = None) -> float | None:
    """Send one pending action to the hub and record the answer.

    Returns the seconds to wait before the next attempt, or None when nothing is left to do.
    Safe to run twice at once: the webhook id is stable and only one run records the outcome.
    """
    with _sending_window():
        claimed = OutgoingAction.claim(action_id=action_id)
        if not claimed:
            return None  # applied, failed, held for a remediation window, or being sent right now
        outcome = _send_and_record(claimed, client)
    return outcome.wait_seconds if outcome.waiting else outcome.delays[0]


@dataclass(frozen=True)
class Drained:
    claimed: int
    applied: int
    # Seconds until some action this batch touched is due again; None when none is.
    next_in: float | None


def enforcement_drain(*, client: HubClient | None = None, parallel: bool = True) -> Drained:
    """Send one batch of due actions and record the answers in one transaction.

    A full batch asks for another drain at once: with `parallel`, before sending, so a second worker
    claims the next batch while this one sends; otherwise after commit. Actions to retry later ask
    for a drain when they come due.
    """
    _wake_reset()
    with _sending_window():
        claimed = OutgoingAction.claim(limit=settings.ENFORCEMENT_BATCH)
        if len(claimed) == settings.ENFORCEMENT_BATCH:
            if parallel:
                dispatch_now(DRAIN_TASK)
            else:
                dispatch_on_commit(DRAIN_TASK)
        outcome = _send_and_record(claimed, client)
        if len(outcome.sent) + len(outcome.waiting) < len(claimed):
            dispatch_on_commit(DRAIN_TASK)  # out of time: the rest go in the next batch
    due_again = [d for d in (*outcome.delays, outcome.wait_seconds) if d is not None]
    next_in = min(due_again) if due_again else None
    if next_in is not None:
        dispatch_now(DRAIN_TASK, countdown=next_in)
    applied = sum(1 for s in outcome.sent if s.result is not None and s.result.outcome is Delivery.DELIVERED)
    return Drained(claimed=len(claimed), applied=applied, next_in=next_in)


DRAIN_TASK = "moderation.enforcement_drain"
# Set while a drain is queued and has not started: decisions made meanwhile need no drain of their own.
_WAKE_KEY = "hubmod:enforcement:drain-queued"


def enforcement_wake() -> None:
    """Have the pending actions sent: queue a drain, unless one is queued and has not yet started.

    Every decision, reversal and retry calls this after commit. A burst of a thousand decisions
    then costs a handful of drains (PERFORMANCE.md: every task costs ~4 ms between producer and
    worker), not a task per action. Without a cache shared by all processes, every call queues one.
    """
    if settings.TASKS_COALESCE:
        try:
            if not cache.add(_WAKE_KEY, 1, timeout=settings.ENFORCEMENT_WAKE_SECONDS):
                return
        except (RedisError, OSError):
            pass  # the broker is likely down too: dispatching logs it, and the sweeper follows up
    dispatch_now(DRAIN_TASK)


def enforcement_wake_on_commit() -> None:
    transaction.on_commit(enforcement_wake)


def _wake_reset() -> None:
    """A drain has started: from now on a new decision must queue another, as this one may miss it."""
    if settings.TASKS_COALESCE:
        with contextlib.suppress(RedisError, OSError):  # the key expires on its own
            cache.delete(_WAKE_KEY)


@transaction.atomic
def enforcement_retry(*, action_id: int, actor: Actor) -> EnforcementAction:
    action = EnforcementAction.objects.select_for_update().filter(pk=action_id).first()
    if action is None:
        raise NotFound("No enforcement action has this id.")
    audit.transition(action, "retry", actor=actor, at=timezone.now())
    enforcement_wake_on_commit()
    return action


def enforcement_revert_decision(
    *, decision: Decision, actor: Actor, reason: str, kinds: set[str] | None = None
) -> list[EnforcementAction]:
    """Undo what a decision did, through the same delivery machinery. Caller holds the transaction.

    An action still pending may be in flight to the hub right now, so it is not cancelled: its
    reversal waits until it has applied, then undoes it.
    """
    reversals = []
    undoable = (EnforcementAction.State.APPLIED, EnforcementAction.State.PENDING)
    actions = decision.actions.select_for_update(of=("self",)).filter(
        reverses__isnull=True, state__in=undoable, reversal=None
    )
    if kinds is not None:
        actions = actions.filter(kind__in=kinds)
    for action in actions:
        reversal = EnforcementAction.objects.create(decision=decision, kind=action.kind, reverses=action)
        audit.record(
            actor=actor,
            verb="enforcementaction.reversal_created",
            target=reversal,
            data={"reverses": action.pk, "reason": reason},
        )
        reversals.append(reversal)
    if reversals:
        enforcement_wake_on_commit()
    return reversals


def enforcement_sweep() -> int:
    """Beat: queue drains for pending actions left behind (a lost message, a dead worker, a retry
    whose drain the broker dropped). Returns how many it found, up to a thousand."""
    cutoff = timezone.now() - timedelta(seconds=settings.ENFORCEMENT_SWEEP_AFTER_SECONDS)
    due = EnforcementAction.objects.filter(state=EnforcementAction.State.PENDING).exclude(not_before__gt=timezone.now())
    stale = due.filter(next_attempt_at__lt=cutoff) | due.filter(next_attempt_at__isnull=True, created_at__lt=cutoff)
    found = stale.values_list("pk", flat=True)[:1000].count()
    # Not through the wake: its key may belong to a drain that was lost.
    for _ in range(min(2, found)):  # one per worker process; each full batch asks for the next
        dispatch_now(DRAIN_TASK)
    return found


def enforcement_expire() -> int:
    """Beat: revert time-boxed actions whose end has come, through the same delivery machinery."""
    expired = EnforcementAction.objects.filter(
        state=EnforcementAction.State.APPLIED, ends_at__lte=timezone.now(), reverses__isnull=True, reversal__isnull=True
    ).values_list("pk", flat=True)[:1000]
    count = 0
    for pk in expired:
        with transaction.atomic():
            action = EnforcementAction.objects.select_for_update().get(pk=pk)
            if action.state != EnforcementAction.State.APPLIED or action.has_reversal:
                continue
            reversal = EnforcementAction.objects.create(
                decision_id=action.decision_id, kind=action.kind, reverses=action
            )
            audit.record(actor=SYSTEM, verb="enforcementaction.expired", target=action, data={"reversal": reversal.pk})
            enforcement_wake_on_commit()
            count += 1
    return count


def _still_there(reported: set[tuple[str, str]], present: set[tuple[str, str]]) -> bool:
    """Whether any reported file is in the new file list: by its bytes when the report knows its
    digest (renamed or moved, the same bytes are the same file), by its path only when it does not."""
    present_digests = {sha for _, sha in present}
    present_paths = {path for path, _ in present}
    return any(sha in present_digests if sha else path in present_paths for path, sha in reported)


def remediation_check(*, repository_id: int) -> int:
    """After a new revision: cancel held actions whose reported files are gone, and lift the
    decision's strikes, as the uploader is told no action was taken. Returns how many decisions
    were closed as remediated."""
    closed = 0
    decisions = Decision.objects.filter(
        case__repository_id=repository_id,
        remediation_deadline__gt=timezone.now(),
        remediated_at__isnull=True,
        actions__state=EnforcementAction.State.PENDING,
    ).distinct()
    present = set(RepositoryFile.objects.filter(repository_id=repository_id).values_list("path", "sha256"))
    for decision in decisions:
        reported = set(decision.case.reports.exclude(path="", file_sha256="").values_list("path", "file_sha256"))
        if _still_there(reported, present):
            continue
        with transaction.atomic():
            locked = Decision.objects.select_for_update().get(pk=decision.pk)
            if locked.remediated_at:
                continue
            for action in locked.actions.select_for_update().filter(state=EnforcementAction.State.PENDING):
                audit.transition(action, "cancel", actor=SYSTEM, reason="Remediated: the reported files were removed.")
            now = timezone.now()
            locked.remediated_at = now
            locked.save(update_fields=["remediated_at", "updated_at"])
            audit.record(
                actor=SYSTEM,
                verb="decision.remediated",
                target=locked,
                data={"files": sorted(path or sha for path, sha in reported)},
            )
            # Nothing was enforced: a strike would count against the uploader on the ladder while
            # the notice tells them no action was taken.
            lifted = list(
                Strike.objects.select_for_update()
                .filter(decision=locked, revoked_at__isnull=True)
                .values_list("pk", flat=True)
            )
            if lifted:
                Strike.objects.filter(pk__in=lifted).update(revoked_at=now, updated_at=now)
                audit.record(
                    actor=SYSTEM,
                    verb="strike.revoked",
                    target=locked,
                    data={"strikes": len(lifted), "reason": "remediated"},
                )
            closed += 1
    return closed
