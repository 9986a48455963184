"""Staged release: a repository moves stage by stage towards public, each stage behind a gate.

A gate lists what must hold to enter its stage (an approved review of the head revision, a card
with every required checklist item, no open severe case). A severe case opened against the
repository halts the release and steps it back one stage by itself. Every change is audited and
sent to the hub as a signed `release.stage_changed` webhook.
"""

from __future__ import annotations

from typing import cast

from django.db import IntegrityError, transaction
from django.utils import timezone

from hub.events import hub_event_emit
from hub.models import HubEvent, Repository
from hubmod.actors import SYSTEM, Actor
from hubmod.audit import log as audit
from hubmod.errors import ApplicationError, Conflict, Forbidden
from moderation.models import OPEN_CASE_STATES, Case
from review.models import Release, ReleaseStage
from review.selectors import open_severe_cases, release_gate, release_stages, severe_categories


class GateClosed(Conflict):
    """Advancing is refused: the 409 names every unmet condition."""

    def __init__(self, stage: ReleaseStage, unmet: list[str]):
        super().__init__(f"The gate to '{stage.label}' is closed: {' '.join(unmet)}", state=stage.key)
        self.unmet = unmet


def _require_release_permission(actor: Actor) -> None:
    if actor.kind not in ("hub", "system") and not actor.has_perm("review.advance_release"):
        raise Forbidden("Your role does not allow changing a staged release.")


def _locked_repository(repository_id: int) -> Repository:
    return Repository.objects.select_for_update().get(pk=repository_id)


def _stage_changed(*, release: Release, previous: ReleaseStage | None, actor: Actor, reason: str) -> None:
    repository = release.repository
    repository.release_stage = release.stage.key
    repository.save(update_fields=["release_stage", "updated_at"])
    audit.record(
        actor=actor,
        verb="release.stage_changed",
        target=repository,
        data={"from": previous.key if previous else None, "to": release.stage.key, "reason": reason},
    )
    hub_event_emit(
        type=HubEvent.Type.RELEASE_STAGE_CHANGED,
        repository=repository,
        data={
            "from": previous.key if previous else None,
            "to": release.stage.key,
            "public": release.stage == release_stages().last(),
            "halted": release.halted_at is not None,
            "reason": reason,
        },
    )


@transaction.atomic
def release_start(*, repository_id: int, actor: Actor) -> Release:
    """Put a repository under staged release at the first stage."""
    _require_release_permission(actor)
    repository = _locked_repository(repository_id)
    first = release_stages().first()
    if first is None:
        raise ApplicationError("No release stages are configured; a hub admin adds them first.")
    if Release.objects.filter(repository=repository).exists():
        raise Conflict("This repository is already under a staged release.", state=repository.release_stage)
    try:
        with transaction.atomic():
            release = Release.objects.create(repository=repository, stage=first)
    except IntegrityError as exc:
        raise Conflict("This repository is already under a staged release.") from exc
    _stage_changed(release=release, previous=None, actor=actor, reason="Staged release started.")
    return release


@transaction.atomic
def release_advance(*, repository_id: int, actor: Actor, to: str | None = None) -> Release:
    """Move to the next stage if its gate is open; a 409 lists what is missing otherwise."""
    _require_release_permission(actor)
    repository = _locked_repository(repository_id)
    release = Release.objects.select_related("stage").filter(repository=repository).first()
    if release is None:
        raise Conflict("This repository is not under a staged release; start one first.")
    following = release_stages().filter(position__gt=release.stage.position).first()
    if following is None:
        raise Conflict(f"'{release.stage.label}' is the last stage already.", state=release.stage.key)
    if to is not None and to != following.key:
        raise ApplicationError(
            f"Stages are cleared one at a time: the next is '{following.key}'.",
            field_errors={"to": [f"The next stage is '{following.key}'."]},
        )
    gate = release_gate(repository=repository, stage=following)
    if not gate.open:
        raise GateClosed(following, gate.unmet)
    previous = release.stage
    release.stage = following
    release.halted_at = None
    release.halt_reason = ""
    release.save(update_fields=["stage", "halted_at", "halt_reason", "updated_at"])
    _stage_changed(release=release, previous=previous, actor=actor, reason=f"Gate to '{following.label}' cleared.")
    return release


@transaction.atomic
def release_case_opened(*, case_id: int) -> bool:
    """Halt and step back the release of a repository a severe case was opened against.

    Idempotent: the release remembers the newest case it acted on. Returns whether it acted.
    """
    case = open_severe_case(case_id)
    if case is None:
        return False
    release = (
        Release.objects.select_for_update()
        .select_related("stage", "repository")
        .filter(repository_id=cast(int, case.repository_id))  # open_severe_case: a repository's
        .first()
    )
    if release is None or (release.last_halt_case_id or 0) >= case.pk:
        return False
    previous = release.stage
    earlier = release_stages().filter(position__lt=previous.position).last()
    release.stage = earlier or previous
    release.halted_at = timezone.now()
    release.halt_reason = f"Case #{case.pk} ({case.category}) was opened against this repository."
    release.last_halt_case_id = case.pk
    release.save(update_fields=["stage", "halted_at", "halt_reason", "last_halt_case_id", "updated_at"])
    audit.record(
        actor=SYSTEM, verb="release.halted", target=release.repository, data={"case": case.pk, "stage": previous.key}
    )
    if earlier is not None:
        _stage_changed(release=release, previous=previous, actor=SYSTEM, reason=release.halt_reason)
    return True


def open_severe_case(case_id: int) -> Case | None:
    case = Case.objects.select_related("repository").filter(pk=case_id, repository__isnull=False).first()
    if case is None or case.repository is None or not open_severe_cases(case.repository).filter(pk=case.pk).exists():
        return None
    return case


def releases_sweep() -> int:
    """Catch severe cases whose dispatch was lost: step back any release they have not halted."""
    acted = 0
    threatened = Release.objects.filter(
        repository__cases__state__in=OPEN_CASE_STATES, repository__cases__category__in=severe_categories()
    ).distinct()
    for release in threatened.select_related("repository"):
        newest = open_severe_cases(release.repository).order_by("-pk").values_list("pk", flat=True).first()
        if newest is not None and newest > (release.last_halt_case_id or 0):
            acted += release_case_opened(case_id=newest)
    return acted
