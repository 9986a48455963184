"""Enforcement: delivering actions to the hub exactly once, retrying, reverting, sweeping."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from uuid import UUID

from django.conf import settings
from django.db import connection, models, transaction
from django.urls import reverse
from django.utils import timezone

from hub.client import HubClient, delivery_record
from hub.models import Account, Repository, RepositoryFile
from hub.services import subject_apply_effect
from hubmod.actors import SYSTEM, Actor
from hubmod.audit import log as audit
from hubmod.sql import read_as_orm
from hubmod.tasks import dispatch_now, dispatch_on_commit
from moderation.models import Case, Decision, EnforcementAction
from moderation.selectors import notice_token_for

ACCOUNT_KINDS = {EnforcementAction.Kind.RESTRICT_ACCOUNT, EnforcementAction.Kind.SUSPEND_ACCOUNT}


# Every delivery runs this. Written out, it costs a ninth of the Python the ORM spends composing it;
# joining the uploader once (the repository's owner, or the account the case is about) instead of
# both halves what PostgreSQL spends on it. The decision and case rows are wide; only ids are read.
_OUTGOING_SQL = """
    SELECT a.id, a.state, a.kind, a.reverses_id, a.idempotency_key, a.not_before, a.created_at,
           a.decision_id, c.repository_id, r.full_name, c.account_id, u.id, u.handle
    FROM moderation_enforcementaction a
    JOIN moderation_decision d ON d.id = a.decision_id
    JOIN moderation_case c ON c.id = d.case_id
    LEFT JOIN hub_repository r ON r.id = c.repository_id
    JOIN hub_account u ON u.id = COALESCE(c.account_id, r.owner_id)
    WHERE a.id = %s
"""


@cache
def _outgoing_fields() -> tuple[models.Field, ...]:
    """The model field behind each column `_OUTGOING_SQL` selects, in order."""
    action = [
        EnforcementAction._meta.get_field(name)
        for name in ("id", "state", "kind", "reverses", "idempotency_key", "not_before", "created_at", "decision")
    ]
    case, repository, account = Case._meta.get_field, Repository._meta.get_field, Account._meta.get_field
    return (*action, case("repository"), repository("full_name"), case("account"), account("id"), account("handle"))


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
    # A case is about a repository or about an account; either way it has an uploader.
    repository_id: int | None
    repository_full_name: str | None
    account_id: int | None
    uploader_id: int
    uploader_handle: str

    @classmethod
    def get(cls, action_id: int) -> OutgoingAction | None:
        with connection.cursor() as cursor:
            cursor.execute(_OUTGOING_SQL, [action_id])
            row = cursor.fetchone()
        return cls(*read_as_orm(_outgoing_fields(), row)) if row is not None else None

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    @property
    def hits_account(self) -> bool:
        """Account kinds act on the uploader; any kind on an account's case acts on that account."""
        return self.kind in ACCOUNT_KINDS or self.account_id is not None

    def subject_key(self) -> dict[str, int]:
        """The row the hub's acknowledgement changes, as `subject_apply_effect` takes it."""
        return {"account_id": self.uploader_id} if self.hits_account else {"repository_id": self.repository_id}

    def subject_name(self) -> str:
        return self.uploader_handle if self.hits_account else self.repository_full_name


def webhook_payload(action: OutgoingAction) -> dict:
    # The notice token is signed over the decision's pk alone: no need to load the decision for it.
    notice_token = notice_token_for(Decision(pk=action.decision_id))
    return {
        "type": "enforcement.revert" if action.is_reversal else "enforcement.apply",
        "action": action.kind,
        "subject": {"type": "account" if action.hits_account else "repository", "id": action.subject_name()},
        "decision": action.decision_id,
        "statement_url": settings.BASE_URL + reverse("notice", args=[notice_token]),
        "created_at": action.created_at.isoformat(),
    }


def _reversal_waiting(reversal: OutgoingAction) -> float | None:
    """A reversal goes out only once what it undoes has applied; None when it may go now."""
    original_state = EnforcementAction.objects.values_list("state", flat=True).get(pk=reversal.reverses_id)
    if original_state == EnforcementAction.State.PENDING:
        return settings.ENFORCEMENT_RETRY_BASE_SECONDS
    if original_state == EnforcementAction.State.FAILED:
        with transaction.atomic():
            locked = EnforcementAction.objects.select_for_update().get(pk=reversal.pk)
            if locked.state == EnforcementAction.State.PENDING:
                audit.transition(
                    locked,
                    "mark_failed",
                    actor=SYSTEM,
                    error="Nothing to revert: the action it undoes never applied.",
                    attempts=locked.attempts,
                )
        return None
    return None


def enforcement_deliver(*, action_id: int, client: HubClient | None = None) -> float | None:
    """Send one pending action to the hub and record the answer.

    Returns the seconds to wait before the next attempt, or None when nothing is left to do.
    Safe to run twice at once: the webhook id is stable and only one run records the outcome.
    """
    outgoing = OutgoingAction.get(action_id)
    if outgoing is None or outgoing.state != EnforcementAction.State.PENDING:
        return None
    if outgoing.not_before and outgoing.not_before > timezone.now():
        # Held for a remediation window; the sweeper sends it when the window closes.
        return None
    if outgoing.is_reversal:
        waiting = _reversal_waiting(outgoing)
        if waiting is not None:
            return waiting
    result = (client or HubClient()).send(
        msg_id=f"msg_{outgoing.idempotency_key.hex}", payload=webhook_payload(outgoing)
    )
    with transaction.atomic():
        # Only the action row is locked; its decision and case are not written here.
        action = EnforcementAction.objects.select_for_update().get(pk=action_id)
        if action.state != EnforcementAction.State.PENDING:
            return None
        delay = delivery_record(action, result, delivered="mark_applied")
        if action.state == EnforcementAction.State.APPLIED:
            # On the subject the webhook named: the one the hub has just applied it to.
            subject_apply_effect(**outgoing.subject_key(), kind=action.kind, revert=action.is_reversal)
            if action.is_reversal:
                original = EnforcementAction.objects.select_for_update().get(pk=action.reverses_id)
                audit.transition(original, "mark_reverted", actor=SYSTEM, data={"reversal": action.pk})
        return delay


@transaction.atomic
def enforcement_retry(*, action_id: int, actor: Actor) -> EnforcementAction:
    action = EnforcementAction.objects.select_for_update().get(pk=action_id)
    audit.transition(action, "retry", actor=actor, at=timezone.now())
    dispatch_on_commit("moderation.enforcement_deliver", action.pk)
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
        dispatch_on_commit("moderation.enforcement_deliver", reversal.pk)
        reversals.append(reversal)
    return reversals


def enforcement_sweep() -> int:
    """Re-dispatch pending actions the broker lost; run by beat. Returns how many."""
    cutoff = timezone.now() - timedelta(seconds=settings.ENFORCEMENT_SWEEP_AFTER_SECONDS)
    due = EnforcementAction.objects.filter(state=EnforcementAction.State.PENDING).exclude(not_before__gt=timezone.now())
    stale = due.filter(next_attempt_at__lt=cutoff) | due.filter(next_attempt_at__isnull=True, created_at__lt=cutoff)
    ids = list(stale.values_list("pk", flat=True)[:1000])
    for pk in ids:
        dispatch_now("moderation.enforcement_deliver", pk)
    return len(ids)


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
            dispatch_on_commit("moderation.enforcement_deliver", reversal.pk)
            count += 1
    return count


def remediation_check(*, repository_id: int) -> int:
    """After a new revision: cancel held actions whose reported files are gone. Returns how many
    decisions were closed as remediated."""
    closed = 0
    decisions = Decision.objects.filter(
        case__repository_id=repository_id,
        remediation_deadline__gt=timezone.now(),
        remediated_at__isnull=True,
        actions__state=EnforcementAction.State.PENDING,
    ).distinct()
    for decision in decisions:
        present = set(RepositoryFile.objects.filter(repository_id=repository_id).values_list("path", "sha256"))
        present_paths = {path for path, _ in present}
        reported = set(decision.case.reports.exclude(path="").values_list("path", "file_sha256"))
        still_there = any((path, sha) in present if sha else path in present_paths for path, sha in reported)
        if still_there:
            continue
        with transaction.atomic():
            locked = Decision.objects.select_for_update().get(pk=decision.pk)
            if locked.remediated_at:
                continue
            for action in locked.actions.select_for_update().filter(state=EnforcementAction.State.PENDING):
                audit.transition(action, "cancel", actor=SYSTEM, reason="Remediated: the reported files were removed.")
            locked.remediated_at = timezone.now()
            locked.save(update_fields=["remediated_at", "updated_at"])
            audit.record(
                actor=SYSTEM, verb="decision.remediated", target=locked, data={"files": sorted(p for p, _ in reported)}
            )
            closed += 1
    return closed
