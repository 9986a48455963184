"""The one writer of the audit log, and the one way a state machine moves.

`transition()` is the mechanism DESIGN.md asks for: it checks that the move is allowed and
permitted, makes it, saves exactly the fields it changed, and records the audit event in the same
transaction. Services call it; nothing else calls a transition method.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import structlog
from django.db import IntegrityError, connection, models, transaction
from django.db.models.query import QuerySet
from django.utils import timezone
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from hubmod.actors import Actor
from hubmod.audit.models import AuditChainHead, AuditEvent
from hubmod.errors import Conflict, Forbidden, IllegalTransition
from hubmod.sql import column, planned_once

if TYPE_CHECKING:
    from django.contrib.auth.models import PermissionsMixin

logger = structlog.get_logger("hubmod.audit")


def event_hash(event: AuditEvent) -> str:
    """sha256 over the previous hash and the event's content, in a canonical form."""
    content = json.dumps(
        [
            event.seq,
            event.prev_hash,
            event.created_at.isoformat(),
            event.actor_kind,
            event.actor_label,
            event.verb,
            event.target_type,
            event.target_id,
            event.target_label,
            event.data,
        ],
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(content.encode()).hexdigest()


def _link(events: list[AuditEvent], *, seq: int, prev_hash: str) -> list[AuditEvent]:
    """Give unsaved events their place in the chain after the head (`seq`, `prev_hash`)."""
    now = timezone.now()
    for event in events:
        seq += 1
        event.created_at, event.seq, event.prev_hash = now, seq, prev_hash
        event.hash = prev_hash = event_hash(event)
    return events


# Events recorded inside `batched()`, waiting to be chained together when it closes.
_held: ContextVar[list[AuditEvent] | None] = ContextVar("audit_held", default=None)


@contextmanager
def batched(*, head: Head | None = None) -> Iterator[None]:
    """Hold the events recorded inside until the block ends, then chain them in one statement.

    For work that records many events in one transaction (a batch of deliveries): the chain head
    is locked once, at the end, instead of once per event. Inside the block an event has no `seq`
    or `pk` yet. Use it inside the transaction; if the block raises, the events are dropped with it.
    `head`: the chain's head as the caller has just locked and read it in a statement of its own
    (`CHAIN_HEAD_LOCKED`), with no event recorded since; the block's end then does not read it again.
    """
    if _held.get() is not None:
        yield  # already inside a batch: its end chains these events too
        return
    held: list[AuditEvent] = []
    token = _held.set(held)
    try:
        yield
    finally:
        _held.reset(token)
    if held:
        _logged(_append_now(held, head))


def _append(events: list[AuditEvent]) -> list[AuditEvent]:
    held = _held.get()
    if held is not None:
        held.extend(events)
        return events
    return _append_now(events)


def _append_now(events: list[AuditEvent], head: Head | None = None) -> list[AuditEvent]:
    """Chain events after the head and store them. Locks the chain head until commit, so
    concurrent writers chain in the order they commit."""
    if connection.vendor == "postgresql":
        # Only for speed (bench "intake req/s" and "enforcement actions applied/s"): SQLite cannot
        # update inside a WITH, so it keeps the ORM's path below, which is the same chain.
        return _append_postgresql(events, head)
    locked = AuditChainHead.objects.select_for_update().filter(pk=1).first() or _head_restored()
    _link(events, seq=locked.seq, prev_hash=locked.hash)
    locked.seq, locked.hash = cast(int, events[-1].seq), events[-1].hash  # _link has just numbered them
    locked.save(update_fields=["seq", "hash"])
    return AuditEvent.objects.bulk_create(events)


@dataclass(frozen=True)
class Head:
    """The chain's head as a writer read it with `CHAIN_HEAD_LOCKED`, inside its own statement."""

    seq: int
    hash: str


# For a writer that locks the head in a statement of its own (say, beside an INSERT, as a CTE) and
# passes what it read to `batched(head=...)`: one round trip fewer.
CHAIN_HEAD_LOCKED = "SELECT seq, hash FROM audit_auditchainhead WHERE id = 1 FOR UPDATE"

_EVENT_FIELDS = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
_EVENT_COLUMNS = ", ".join(connection.ops.quote_name(column(f)) for f in _EVENT_FIELDS)
_EVENT_ROW = "(" + ", ".join(["%s"] * len(_EVENT_FIELDS)) + ")"
# The columns come from the model and the values are parameters.
_HEAD_MOVED = "WITH moved AS (UPDATE audit_auditchainhead SET seq = %s, hash = %s WHERE id = 1)"
_APPEND_SQL = f"{_HEAD_MOVED} INSERT INTO audit_auditevent ({_EVENT_COLUMNS}) VALUES {{rows}} RETURNING id"  # noqa: S608
# A prepared statement takes at most 65,535 parameters; fan-out (ten thousand events) goes as text.
_PREPARED_EVENTS_MAX = 64


def _append_postgresql(events: list[AuditEvent], head: Head | None) -> list[AuditEvent]:
    # Every report, decision and delivery writes here, all behind one lock: two statements (lock
    # the head; move it and insert the events together) instead of the ORM's three or four.
    cursor_for = planned_once if len(events) <= _PREPARED_EVENTS_MAX else connection.cursor
    with cursor_for() as cursor:
        start: Head | AuditChainHead
        if head is None:
            cursor.execute(CHAIN_HEAD_LOCKED)
            row = cursor.fetchone()
            start = Head(*row) if row is not None else _head_restored()
        else:
            start = head
        _link(events, seq=start.seq, prev_hash=start.hash)
        params = [events[-1].seq, events[-1].hash]
        for event in events:
            params += [f.get_db_prep_save(getattr(event, f.attname), connection) for f in _EVENT_FIELDS]
        rows = ", ".join([_EVENT_ROW] * len(events))
        cursor.execute(_APPEND_SQL.format(rows=rows), params)
        for event, (pk,) in zip(events, cursor.fetchall(), strict=True):
            event.pk = pk
            event._state.adding, event._state.db = False, connection.alias
    return events


def _head_restored() -> AuditChainHead:
    """The head row, recreated from the last event if it is missing (an emptied test database)."""
    last = AuditEvent.objects.order_by("-seq").first()
    try:
        with transaction.atomic():
            # A stored event always has its seq; only events held in `batched()` have none yet.
            seq = cast(int, last.seq) if last else 0
            AuditChainHead.objects.create(pk=1, seq=seq, hash=last.hash if last else "0" * 64)
    except IntegrityError:
        pass  # another writer restored it first
    return AuditChainHead.objects.select_for_update().get(pk=1)


def _event(actor: Actor, verb: str, target: models.Model, data: dict[str, Any] | None) -> AuditEvent:
    return AuditEvent(
        actor_kind=actor.kind,
        actor_label=actor.label[:200],
        actor_user_id=actor.user_id,
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:300],
        data=json.loads(json.dumps(data or {}, default=str)),
    )


def _logged(events: list[AuditEvent]) -> list[AuditEvent]:
    """Log events once they have their place in the chain; held ones are logged when it closes."""
    for e in events:
        if e.seq is not None:
            logger.info("audit", verb=e.verb, target_type=e.target_type, target_id=e.target_id, seq=e.seq)
    return events


# No savepoint: the caller's transaction already makes the event part of the change it records,
# and a failure rolls both back; two savepoint round trips per event are most of an event's cost.
@transaction.atomic(savepoint=False)
def record(*, actor: Actor, verb: str, target: models.Model, data: dict[str, Any] | None = None) -> AuditEvent:
    [event] = _append([_event(actor, verb, target, data)])
    _logged([event])
    return event


@dataclass(frozen=True)
class Entry:
    verb: str
    target: models.Model
    data: dict[str, Any] | None = None


@transaction.atomic(savepoint=False)
def record_all(*, actor: Actor, entries: list[Entry]) -> list[AuditEvent]:
    """Several events of one change, chained under one lock and inserted in one statement."""
    return _logged(_append([_event(actor, e.verb, e.target, e.data) for e in entries]))


@transaction.atomic(savepoint=False)
def record_many(*, actor: Actor, verb: str, targets: Sequence[models.Model], data: dict[str, Any] | None = None) -> int:
    """One event per target, inserted in one statement: for fan-out such as lineage follow-up."""
    if not targets:
        return 0
    events = _append([_event(actor, verb, t, data) for t in targets])
    return len(events)


@dataclass(frozen=True)
class ChainCheck:
    checked: int
    broken_seq: int | None = None
    problem: str = ""


@dataclass(frozen=True)
class Anchor:
    """A hash the chain must have at a seq, held outside the database (a signed checkpoint), and
    the name of what holds it, for the message that names the first one the chain disagrees with."""

    hash: str
    source: str


def verify_chain(
    *,
    chunk: int = 5000,
    anchors: Mapping[int, Anchor] | None = None,
    after: Head | None = None,
    until: int | None = None,
) -> ChainCheck:
    """Walk the chain in order; name the first event whose link or content does not hold.

    The chain alone is unkeyed: whoever can write the database can edit an event and recompute
    every hash after it, and the walk still holds. `anchors` (seq -> hash from signed checkpoints)
    catch that: the recomputed chain cannot have the hash a checkpoint signed before the edit.
    `after` starts the walk after a known link (seq, hash) and `until` stops it, for checking only
    what was appended since the last checkpoint.
    """
    anchors = anchors or {}
    previous_hash, expected_seq = (after.hash, after.seq + 1) if after else ("0" * 64, 1)
    checked = 0
    events = AuditEvent.objects.order_by("seq").only(
        "seq", "prev_hash", "hash", "created_at", "actor_kind", "actor_label", "verb", "target_type", "target_id",
        "target_label", "data",
    )  # fmt: skip
    if after is not None:
        events = events.filter(seq__gt=after.seq)
    if until is not None:
        events = events.filter(seq__lte=until)
    for event in events.iterator(chunk_size=chunk):
        if event.seq != expected_seq:
            return ChainCheck(checked, event.seq, f"expected event {expected_seq} next, found {event.seq}")
        if event.prev_hash != previous_hash:
            return ChainCheck(checked, event.seq, "its link to the previous event does not match")
        if event.hash != event_hash(event):
            return ChainCheck(checked, event.seq, "its content does not match its hash")
        anchor = anchors.get(event.seq)
        if anchor is not None and anchor.hash != event.hash:
            return ChainCheck(
                checked,
                event.seq,
                f"{anchor.source} signed hash {anchor.hash[:16]}... for it, the log holds {event.hash[:16]}... "
                "(the log was rewritten from here or earlier)",
            )
        previous_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    if until is not None:
        if expected_seq <= until:
            return ChainCheck(checked, expected_seq, f"event {expected_seq} is missing")
        return ChainCheck(checked)
    beyond = [seq for seq in anchors if seq >= expected_seq]
    if beyond:
        seq = min(beyond)
        return ChainCheck(
            checked, seq, f"{anchors[seq].source} says the log had {seq} events, it ends at {expected_seq - 1}"
        )
    unchained = AuditEvent.objects.filter(seq__isnull=True).order_by("id").first()
    if unchained is not None:
        return ChainCheck(checked, None, f"event id {unchained.pk} is outside the chain")
    return ChainCheck(checked)


def trail(target: models.Model) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(target_type__in=target_types(type(target)), target_id=str(target.pk)).order_by(
        "seq"
    )


def target_types(model: type[models.Model]) -> list[str]:
    """The labels the log has filed a model's events under: its own, and the one it had before it
    moved to another app. A moved model keeps its table (docs/decisions), whose name still says the
    old app, and the log is never rewritten, so its earlier events keep the old label."""
    meta = model._meta
    labels = [meta.label_lower]
    if meta.db_table != f"{meta.app_label}_{meta.model_name}":
        old_app, _, old_model = meta.db_table.partition("_")
        if old_model == meta.model_name:
            labels.append(f"{old_app}.{old_model}")
    return labels


def _field_values(instance: models.Model) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields if not f.primary_key}


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def transition(
    instance: models.Model,
    name: str,
    *,
    actor: Actor,
    data: dict[str, Any] | None = None,
    **kwargs: Any,
) -> None:
    """Run transition `name` on a row the caller has locked, save it and audit it.

    Raises IllegalTransition (409) when the current state does not allow it, Forbidden (403) when
    the actor lacks the transition's permission, Conflict (409) when a concurrent writer won.
    """
    method = getattr(instance, name)
    state_field = method._django_fsm.field
    source = getattr(instance, state_field.attname)
    if not can_proceed(method):
        raise IllegalTransition(obj=instance, transition=name.replace("_", " "), state=source)
    # django-fsm's types want a Django user; it only calls `has_perm`, which Actor provides.
    if not has_transition_perm(method, cast("PermissionsMixin", actor)):
        # A permission may say which rule it applies (`refusal`, hubmod.actors.permission_explained),
        # so every door names the rule.
        explain = getattr(method._django_fsm.get_transition(source).permission, "refusal", None)
        default = f"You are not allowed to {name.replace('_', ' ')} this {type(instance).__name__.lower()}."
        raise Forbidden(explain(instance, actor) if explain else default)
    before = _field_values(instance)
    method(**kwargs)
    after = _field_values(instance)
    changed = [attname for attname, value in after.items() if before[attname] != value]
    if "updated_at" in after and "updated_at" not in changed:
        changed.append("updated_at")
    try:
        # No savepoint: a lost race ends the caller's whole transaction, as the Conflict it raises
        # asks anyway; the savepoint's two round trips were a third of a transition's.
        instance.save(update_fields=changed)
    except ConcurrentTransition as exc:
        raise Conflict("Someone else changed this first; reload and try again.", state=source) from exc
    record(
        actor=actor,
        verb=f"{instance._meta.model_name}.{name}",
        target=instance,
        data={
            "from": source,
            "to": getattr(instance, state_field.attname),
            **{k: _jsonable(after[k]) for k in changed if k not in (state_field.attname, "updated_at")},
            **(data or {}),
        },
    )
