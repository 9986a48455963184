"""The one writer of the audit log, and the one way a state machine moves.

`transition()` is the mechanism DESIGN.md asks for: it checks that the move is allowed and
permitted, makes it, saves exactly the fields it changed, and records the audit event in the same
transaction. Services call it; nothing else calls a transition method.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.db.models.query import QuerySet
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from hubmod.actors import Actor
from hubmod.audit.models import AuditEvent
from hubmod.errors import Conflict, Forbidden, IllegalTransition


def record(*, actor: Actor, verb: str, target: models.Model, data: dict[str, Any] | None = None) -> AuditEvent:
    return AuditEvent.objects.create(
        actor_kind=actor.kind,
        actor_label=actor.label[:200],
        actor_user_id=actor.user_id,
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:300],
        data=data or {},
    )


def record_many(*, actor: Actor, verb: str, targets: list[models.Model], data: dict[str, Any] | None = None) -> int:
    """One event per target, inserted in one statement: for fan-out such as lineage follow-up."""
    events = AuditEvent.objects.bulk_create(
        AuditEvent(
            actor_kind=actor.kind,
            actor_label=actor.label[:200],
            actor_user_id=actor.user_id,
            verb=verb,
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
            target_label=str(target)[:300],
            data=data or {},
        )
        for target in targets
    )
    return len(events)


def trail(target: models.Model) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))


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
    if not has_transition_perm(method, actor):
        raise Forbidden(f"You are not allowed to {name.replace('_', ' ')} this {type(instance).__name__.lower()}.")
    before = _field_values(instance)
    method(**kwargs)
    after = _field_values(instance)
    changed = [attname for attname, value in after.items() if before[attname] != value]
    if "updated_at" in after and "updated_at" not in changed:
        changed.append("updated_at")
    try:
        with transaction.atomic():
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
