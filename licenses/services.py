"""Writes to the catalogue. Each save leaves a history record naming the editor."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history

from hubmod.actors import Actor
from hubmod.audit import log as audit
from hubmod.errors import ApplicationError, NotFound
from licenses.models import License, LicenseClause

if TYPE_CHECKING:
    from licenses.catalogue import LicenseSpec

LICENSE_FIELDS = ("spdx_id", "name", "url", "version", "actionable", "rationale", "contact")
CLAUSE_FIELDS = ("ref", "summary", "actionable", "categories", "source_url")


def _apply(instance: License | LicenseClause, fields: dict[str, Any], allowed: tuple[str, ...]) -> list[str]:
    changed = []
    for name in allowed:
        if name in fields and getattr(instance, name) != fields[name]:
            setattr(instance, name, fields[name])
            changed.append(name)
    return changed


def _save(instance: License | LicenseClause, *, actor: Actor, changed: list[str], created: bool) -> None:
    instance._history_user = actor.user
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ApplicationError(
            "That would duplicate an existing entry.",
            field_errors={"ref" if isinstance(instance, LicenseClause) else "key": ["This one exists already."]},
        ) from exc
    verb = f"{instance._meta.model_name}.{'created' if created else 'updated'}"
    audit.record(actor=actor, verb=verb, target=instance, data={"fields": changed})


@transaction.atomic
def license_create(*, actor: Actor, key: str, **fields: Any) -> License:
    if License.objects.filter(key=key).exists():
        raise ApplicationError("License exists.", field_errors={"key": [f"'{key}' is in the catalogue already."]})
    license_ = License(key=key)
    _save(license_, actor=actor, changed=_apply(license_, fields, LICENSE_FIELDS), created=True)
    return license_


@transaction.atomic
def license_update(*, actor: Actor, license_id: int, **fields: Any) -> License:
    license_ = License.objects.select_for_update().get(pk=license_id)
    changed = _apply(license_, fields, LICENSE_FIELDS)
    if changed:
        _save(license_, actor=actor, changed=changed, created=False)
    return license_


@transaction.atomic
def clause_create(*, actor: Actor, license_id: int, **fields: Any) -> LicenseClause:
    clause = LicenseClause(license_id=license_id)
    _save(clause, actor=actor, changed=_apply(clause, fields, CLAUSE_FIELDS), created=True)
    return clause


@transaction.atomic
def clause_update(*, actor: Actor, license_key: str, clause_id: int, **fields: Any) -> LicenseClause:
    clause = LicenseClause.objects.select_for_update().filter(pk=clause_id, license__key=license_key).first()
    if clause is None:
        raise NotFound(f"The license {license_key!r} has no clause with this id.")
    changed = _apply(clause, fields, CLAUSE_FIELDS)
    if changed:
        _save(clause, actor=actor, changed=changed, created=False)
    return clause


@transaction.atomic
def catalogue_load(*, actor: Actor, specs: Sequence[LicenseSpec]) -> int:
    """Add the licenses and clauses of `specs` that the catalogue lacks; returns how many.

    Existing entries are left as they are: once loaded, the catalogue belongs to the hub admins,
    and running `seed` again must never undo their curation. Rows and their first history
    records are inserted in bulk, and the load is one audit event.
    """
    existing = set(License.objects.values_list("key", flat=True))
    new_licenses = [
        License(key=spec.key, **{name: getattr(spec, name) for name in LICENSE_FIELDS})
        for spec in specs
        if spec.key not in existing
    ]
    reason = "catalogue load"
    bulk_create_with_history(new_licenses, License, default_user=actor.user, default_change_reason=reason)
    license_ids = dict(License.objects.values_list("key", "pk"))
    existing_refs = set(LicenseClause.objects.values_list("license__key", "ref"))
    new_clauses = [
        LicenseClause(
            license_id=license_ids[spec.key],
            **{name: getattr(clause, name) for name in CLAUSE_FIELDS if name != "categories"},
            categories=list(clause.categories),
        )
        for spec in specs
        for clause in spec.clauses
        if (spec.key, clause.ref) not in existing_refs
    ]
    bulk_create_with_history(
        new_clauses, LicenseClause, default_user=actor.user, default_change_reason="catalogue load"
    )
    added = len(new_licenses) + len(new_clauses)
    if added:
        audit.record(
            actor=actor,
            verb="catalogue.loaded",
            target=new_licenses[0] if new_licenses else new_clauses[0],
            data={"licenses": [lic.key for lic in new_licenses], "clauses": len(new_clauses)},
        )
    return added
