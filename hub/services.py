"""Every write to the hub catalogue: syncs from the hub, and enforcement effects it acknowledged."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from hub.models import (
    Account,
    BaseModelLink,
    NameReservation,
    Repository,
    RepositoryFile,
    RepositoryRevision,
    ScanVerdict,
)
from hubmod import hooks
from hubmod.actors import SYSTEM, Actor
from hubmod.audit import log as audit
from hubmod.errors import ApplicationError, Conflict, Forbidden, NotFound


@dataclass(frozen=True)
class BaseModelRef:
    full_name: str
    relation: str


@dataclass(frozen=True)
class FileRef:
    path: str
    sha256: str
    size: int
    url: str = ""  # where hubmod may fetch it for scanning (API.md); empty: not scanned


@transaction.atomic
def account_sync(
    *,
    actor: Actor,
    handle: str,
    display_name: str | None = None,
    email: str | None = None,
    language: str | None = None,
    hub_id: str | None = None,
) -> tuple[Account, bool]:
    """Create or update an account as the hub describes it. A `hub_id` is kept the first time it
    comes, and replaced only once a hub admin has released the handle (`namespace_refusal` keeps
    another person's sync out before it gets here)."""
    # FOR NO KEY UPDATE, as nothing here changes the key: a report, case, decision or strike being
    # written for one of the owner's other repositories only takes the KEY SHARE lock its foreign
    # key needs, which FOR UPDATE would block. Such a writer already holds the audit chain's head,
    # which this transaction wants next: blocked both ways, that was a deadlock (a sync's 503).
    account, created = Account.objects.select_for_update(no_key=True).get_or_create(handle=handle)
    changed = {}
    if hub_id and hub_id != account.hub_id and (not account.hub_id or _handle_released(handle)):
        changed["hub_id"] = hub_id
        account.hub_id = hub_id
    for field, value in (("display_name", display_name), ("email", email), ("language", language)):
        if value is not None and getattr(account, field) != value:
            setattr(account, field, value)
            changed[field] = value
    if changed:
        account.save(update_fields=[*changed, "updated_at"])
    if created or changed:
        audit.record(
            actor=actor,
            verb="account.created" if created else "account.updated",
            target=account,
            data={"fields": sorted(changed)},
        )
    return account, created


@transaction.atomic
def repository_sync(
    *,
    actor: Actor,
    owner: str,
    name: str,
    kind: str,
    revision: str | None = None,
    license_key: str | None = None,
    card: str | None = None,
    base_models: list[BaseModelRef] | None = None,
    files: list[FileRef] | None = None,
    capability_tags: list[str] | None = None,
    review_requested: bool | None = None,
) -> tuple[Repository, bool]:
    """Create or update a repository as the hub describes it; lists given replace the old ones.

    Then hooks.repository_synced runs its receivers in the same transaction (proactive review
    scores the card and may hold the repository, so the answer the hub gets already says whether
    it may list it; intake checks new files against the hash lists; moderation looks for a remedy).
    """
    owner_account, _ = account_sync(actor=actor, handle=owner)
    found = Repository.objects.select_for_update(no_key=True).filter(owner=owner_account, name=name).first()
    created = found is None
    repository = found if found is not None else Repository(owner=owner_account, name=name, kind=kind)
    changed: list[str] = []
    for field, value in (
        ("kind", kind),
        ("revision", revision),
        ("license_key", license_key),
        ("card", card),
        ("capability_tags", capability_tags),
        ("review_requested", review_requested),
    ):
        if value is not None and getattr(repository, field) != value:
            setattr(repository, field, value)
            changed.append(field)
    if created:
        repository.save()
    elif changed:
        repository.save(update_fields=[*changed, "updated_at"])

    if base_models is not None:
        repository.base_links.all().delete()
        BaseModelLink.objects.bulk_create(
            BaseModelLink(repository=repository, base_full_name=ref.full_name, relation=ref.relation)
            for ref in base_models
        )
        changed.append("base_models")
    if files is not None:
        repository.files.all().delete()
        RepositoryFile.objects.bulk_create(
            RepositoryFile(repository=repository, path=f.path, sha256=f.sha256, size=f.size, url=f.url) for f in files
        )
        changed.append("files")
    _revision_snapshot_keep(repository=repository, files=files, created=created, changed=changed)
    if created or changed:
        audit.record(
            actor=actor,
            verb="repository.created" if created else "repository.updated",
            target=repository,
            data={"fields": changed, "revision": repository.revision},
        )
    hooks.repository_synced.send(sender="hub", repository=repository, created=created, changed=changed)
    return repository, created


# What a revision's snapshot holds: a sync that changes none of these leaves it as it was.
_SNAPSHOT_FIELDS = frozenset({"revision", "card", "files"})


def _revision_snapshot_keep(
    *, repository: Repository, files: list[FileRef] | None, created: bool, changed: list[str]
) -> None:
    """Keep the snapshot of the repository's current revision as this sync leaves it (its card and
    file list), so a report on it can be shown later as it was. Caller holds the transaction and
    the repository's row.

    One statement per sync: an upsert on (repository, revision), or an update of the card alone
    when only the card changed. A new revision that comes without its file list keeps the files
    hubmod holds for the head, read once here.
    """
    if not repository.revision or not (created or _SNAPSHOT_FIELDS.intersection(changed)):
        return
    now = timezone.now()
    if files is None and not created and "revision" not in changed:
        # Same revision, new card: its file list is in the snapshot already.
        kept = RepositoryRevision.objects.filter(repository=repository, revision=repository.revision)
        if kept.update(card=repository.card, synced_at=now):
            return
    if files is not None:
        entries = sorted((f.path, f.sha256, f.size) for f in files)
    elif created:
        entries = []
    else:
        entries = list(repository.files.order_by("path").values_list("path", "sha256", "size"))
    listed = [{"path": path, "sha256": sha256, "size": size} for path, sha256, size in entries]
    RepositoryRevision.objects.bulk_create(
        [
            RepositoryRevision(
                repository=repository,
                revision=repository.revision,
                card=repository.card,
                files=listed,
                synced_at=now,
                first_synced_at=now,
            )
        ],
        update_conflicts=True,
        unique_fields=["repository", "revision"],
        update_fields=["card", "files", "synced_at"],
    )


def files_scan_verdict_set(*, sha256s: Iterable[str], verdict: str, repository: Repository | None = None) -> int:
    """Keep scanning's verdict on these contents beside every file that has them (on one
    repository's files only, when given). Returns the number of files updated."""
    files = RepositoryFile.objects.filter(sha256__in=set(sha256s))
    if repository is not None:
        files = files.filter(repository=repository)
    return files.exclude(scan_verdict=verdict).update(scan_verdict=verdict)


def files_unscannable_mark(*, repository: Repository) -> int:
    """Files the hub gave no url for are never fetched: their verdict is skipped, not pending."""
    return (
        repository.files.filter(url="")
        .exclude(scan_verdict=ScanVerdict.SKIPPED)
        .update(scan_verdict=ScanVerdict.SKIPPED)
    )


# What each enforcement kind does to hubmod's copy of the subject once the hub has applied it,
# and what undoes it. Kinds absent here (warn, label, remove_files) change nothing we mirror.
_REPOSITORY_EFFECTS = {
    "delist": "delist",
    "disable": "disable",
    "remove": "remove",
    "quarantine": "quarantine",
}
_ACCOUNT_EFFECTS = {
    "restrict_account": "restrict",
    "suspend_account": "suspend",
}


def subject_apply_effect(
    *, kind: str, revert: bool, repository_id: int | None = None, account_id: int | None = None
) -> None:
    """Mirror an enforcement the hub acknowledged on a repository or an account (give one id).
    Caller holds the transaction; the row is locked only when the kind changes it."""
    # A label, a warning, removed files: the hub keeps those; hubmod has no copy of them to change.
    if repository_id is not None:
        if kind != "gate" and kind not in _REPOSITORY_EFFECTS:
            return
        # With its owner, because saving a repository derives its full name from the owner's handle.
        repository = (
            Repository.objects.select_for_update(of=("self",), no_key=True)
            .select_related("owner")
            .get(pk=repository_id)
        )
        if kind == "gate":
            repository.gated = not revert
            repository.save(update_fields=["gated", "updated_at"])
            audit.record(actor=SYSTEM, verb="repository.ungated" if revert else "repository.gated", target=repository)
            return
        name = _REPOSITORY_EFFECTS[kind]
        subject: Repository | Account = repository
    else:
        account_name = _ACCOUNT_EFFECTS.get(kind)
        if account_name is None:
            return
        if account_id is None:
            raise TypeError("subject_apply_effect needs a repository_id or an account_id.")
        name = account_name
        subject = Account.objects.select_for_update(no_key=True).get(pk=account_id)
    transition_name = "reinstate" if revert else name
    if not can_proceed(getattr(subject, transition_name)):
        # Already in the state the hub reports (a redelivered acknowledgement): nothing to mirror.
        return
    audit.transition(subject, transition_name, actor=SYSTEM, data={"enforcement": kind})
    _names_follow(subject, kind=kind, revert=revert)


def _names_follow(subject: Repository | Account, *, kind: str, revert: bool) -> None:
    """A removed repository's name and a suspended account's handle are reserved; undone, freed."""
    if isinstance(subject, Repository) and kind == "remove":
        name, name_kind, reason = subject.full_name, NameReservation.Kind.REPOSITORY, NameReservation.Reason.REMOVED
    elif isinstance(subject, Account) and kind == "suspend_account":
        name, name_kind, reason = subject.handle, NameReservation.Kind.ACCOUNT, NameReservation.Reason.SUSPENDED
    else:
        return
    if revert:
        _name_lift(kind=name_kind, name=name, why=f"the {kind.replace('_', ' ')} was undone")
    else:
        name_reserve(kind=name_kind, name=name, reason=reason, hub_id=getattr(subject, "hub_id", ""))


# Protected names ---------------------------------------------------------------------------------


def _active(kind: str, name: str) -> NameReservation | None:
    return (
        NameReservation.objects.filter(
            kind=kind, name=name, released_at__isnull=True, reserved_until__gt=timezone.now()
        )
        .order_by("-reserved_until")
        .first()
    )


def _handle_released(handle: str) -> bool:
    """A hub admin released the handle from the person who held it: the next hub_id is its owner."""
    latest = (
        NameReservation.objects.filter(
            kind=NameReservation.Kind.ACCOUNT, name=handle, reason=NameReservation.Reason.HUB_ID_CHANGED
        )
        .order_by("-id")
        .first()
    )
    return latest is not None and latest.released_at is not None


def name_reserve(*, kind: str, name: str, reason: str, hub_id: str = "") -> NameReservation:
    """Keep `name` for NAME_RESERVATION_DAYS from now: an active reservation is lengthened, not doubled."""
    until = timezone.now() + timedelta(days=settings.NAME_RESERVATION_DAYS)
    reservation = _active(kind, name)
    if reservation is not None:
        if reservation.reserved_until < until:
            reservation.reserved_until = until
            reservation.save(update_fields=["reserved_until", "updated_at"])
        return reservation
    reservation = NameReservation.objects.create(
        kind=kind, name=name, reason=reason, hub_id=hub_id, reserved_until=until
    )
    audit.record(
        actor=SYSTEM, verb="name.reserved", target=reservation,
        data={"name": name, "reason": reason, "until": until.isoformat()},
    )  # fmt: skip
    return reservation


def _name_lift(*, kind: str, name: str, why: str) -> None:
    """The removal or suspension that reserved a name was undone: the name is its owner's again."""
    for reservation in NameReservation.objects.filter(kind=kind, name=name, released_at__isnull=True).exclude(
        reason=NameReservation.Reason.HUB_ID_CHANGED
    ):
        reservation.released_at, reservation.release_reason = timezone.now(), why
        reservation.save(update_fields=["released_at", "release_reason", "updated_at"])
        audit.record(actor=SYSTEM, verb="name.released", target=reservation, data={"reason": why})


@transaction.atomic
def namespace_refusal(
    *, handle: str, hub_id: str | None = None, repository_name: str | None = None
) -> NameReservation | None:
    """The reservation that keeps this sync out, or None when the name is free. For an account: its
    handle synced with another hub_id than the one hubmod knows, until a hub admin releases it. For
    a repository: its name reserved (removed), or its owner's handle held for another person. A
    refusal is audited and tells the apps above (hooks.namespace_reserved), so a case opens."""
    account = Account.objects.filter(handle=handle).first()
    if repository_name is None:
        if account is None or not hub_id or not account.hub_id or hub_id == account.hub_id:
            return None
        if _handle_released(handle):
            return None
        held_for_them = name_reserve(
            kind=NameReservation.Kind.ACCOUNT, name=handle, reason=NameReservation.Reason.HUB_ID_CHANGED,
            hub_id=account.hub_id,
        )  # fmt: skip
        return _refused(held_for_them, subject=account, attempted=f"the handle @{handle} under another hub_id")
    full_name = f"{handle}/{repository_name}"
    reservation = _active(NameReservation.Kind.REPOSITORY, full_name)
    if reservation is None:
        held = _active(NameReservation.Kind.ACCOUNT, handle)
        if held is None or held.reason != NameReservation.Reason.HUB_ID_CHANGED:
            return None
        reservation = held
    repository = Repository.objects.filter(full_name=full_name).first()
    return _refused(reservation, subject=repository or account, attempted=f"the repository {full_name}")


def _refused(reservation: NameReservation, *, subject: Account | Repository | None, attempted: str) -> NameReservation:
    audit.record(actor=SYSTEM, verb="name.refused", target=reservation, data={"attempted": attempted})
    if subject is not None:
        hooks.namespace_reserved.send(sender="hub", subject=subject, reservation=reservation, attempted=attempted)
    return reservation


@transaction.atomic
def name_release(*, actor: Actor, reservation_id: int, reason: str) -> NameReservation:
    """A hub admin gives a reserved name back before its time, saying why (audited)."""
    if not actor.has_perm("hub.release_namereservation"):
        raise Forbidden("Only a hub admin can release a protected name.")
    if not reason.strip():
        raise ApplicationError("Say why.", field_errors={"reason": ["Say why the name may go to someone else."]})
    reservation = NameReservation.objects.select_for_update().filter(pk=reservation_id).first()
    if reservation is None:
        raise NotFound("No reservation has this id.")
    if reservation.released_at is not None:
        raise Conflict(f"Released already, on {reservation.released_at:%Y-%m-%d}.")
    reservation.released_at, reservation.released_by, reservation.release_reason = timezone.now(), actor.user, reason
    reservation.save(update_fields=["released_at", "released_by", "release_reason", "updated_at"])
    audit.record(actor=actor, verb="name.released", target=reservation, data={"reason": reason})
    return reservation
