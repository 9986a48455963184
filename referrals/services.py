"""Writes: referring a restricted case to an authority, placing and releasing preservation holds,
exporting a referral packet. Each checks its permission, locks what it reads to decide, and audits
in the same transaction."""

from __future__ import annotations

from datetime import date
from typing import BinaryIO

from django.db import transaction
from django.utils import timezone

from hubmod.actors import Actor
from hubmod.audit import log as audit
from hubmod.errors import ApplicationError, Forbidden, NotFound
from moderation.models import Case
from moderation.restriction import RESTRICTED_PERM, case_is_restricted
from moderation.services.cases import locked_case
from referrals.models import PreservationHold, Referral
from referrals.packet import PacketInfo, packet_write, preservation_snapshot

NAMED_AUTHORITIES = {Referral.Authority.NATIONAL_POLICE, Referral.Authority.OTHER}


def _require(actor: Actor, perm: str, what: str) -> None:
    if not actor.has_perm(perm):
        raise Forbidden(f"Only legal can {what}.")


def _hold_place(*, case: Case, actor: Actor, reason: str, referral: Referral | None = None) -> PreservationHold:
    hold = PreservationHold.objects.create(
        case=case, referral=referral, reason=reason, placed_by=actor.person(what="a preservation hold")
    )
    audit.record(
        actor=actor,
        verb="preservationhold.placed",
        target=hold,
        data={"case": case.pk, "referral": referral.pk if referral else None, "reason": reason},
    )
    return hold


@transaction.atomic
def referral_create(
    *,
    actor: Actor,
    case_id: int,
    authority: str,
    referred_at: date,
    reference: str,
    authority_name: str = "",
    notes: str = "",
) -> Referral:
    """Record a referral of a restricted case, snapshot what is preserved, and hold its evidence."""
    _require(actor, "referrals.add_referral", "refer cases to authorities")
    case = locked_case(case_id, field="case")
    if not case_is_restricted(case):
        raise ApplicationError(
            "This case is not with legal.",
            field_errors={"case": ["Escalate the case to legal first; only restricted cases are referred."]},
        )
    errors: dict[str, list[str]] = {}
    if authority not in Referral.Authority.values:
        errors["authority"] = [f"Use one of: {', '.join(Referral.Authority.values)}."]
    elif authority in NAMED_AUTHORITIES and not authority_name.strip():
        errors["authority_name"] = ["Name the authority, e.g. which police force and in which country."]
    if referred_at > timezone.localdate():
        errors["referred_at"] = ["A referral is recorded once made: give today's date or an earlier one."]
    if not reference.strip():
        errors["reference"] = ["Give the authority's report or ticket number."]
    if errors:
        raise ApplicationError("The referral is incomplete.", field_errors=errors)
    referral = Referral.objects.create(
        case=case,
        authority=authority,
        authority_name=authority_name.strip(),
        referred_at=referred_at,
        reference=reference.strip(),
        notes=notes,
        preserved=preservation_snapshot(case),
        created_by=actor.person(what="a referral"),
    )
    audit.record(
        actor=actor,
        verb="referral.created",
        target=referral,
        data={
            "case": case.pk,
            "authority": referral.authority_label,
            "referred_at": referred_at.isoformat(),
            "reference": referral.reference,
            "evidence_files": sum(len(r["evidence"]) for r in referral.preserved["reports"]),
        },
    )
    # A referral must be able to rely on its evidence: it holds the case until legal releases it.
    _hold_place(
        case=case,
        actor=actor,
        reason=f"Referral {referral.pk} to {referral.authority_label} (reference {referral.reference}).",
        referral=referral,
    )
    return referral


@transaction.atomic
def hold_place(*, actor: Actor, case_id: int, reason: str) -> PreservationHold:
    """Hold a case's evidence by hand (a court order, an expected referral). Locks the case, as the
    purge does, so a hold and a purge of the same case never interleave."""
    _require(actor, "referrals.add_preservationhold", "place preservation holds")
    if not reason.strip():
        raise ApplicationError("Say why.", field_errors={"reason": ["Say why the evidence must be preserved."]})
    case = locked_case(case_id, field="case")
    return _hold_place(case=case, actor=actor, reason=reason.strip())


@transaction.atomic
def hold_release(*, actor: Actor, hold_id: int, reason: str) -> PreservationHold:
    """Release a hold; once no hold stands on its case, the retention purge may delete the evidence."""
    if not reason.strip():
        raise ApplicationError("Say why.", field_errors={"reason": ["Say why the evidence need not be kept."]})
    hold = PreservationHold.objects.select_for_update().filter(pk=hold_id).first()
    if hold is None:
        raise NotFound("No preservation hold has this id.")
    audit.transition(
        hold,
        "release",
        actor=actor,
        by=actor.user,
        at=timezone.now(),
        reason=reason.strip(),
        data={"case": hold.case_id},
    )
    return hold


def referral_packet_export(
    *, actor: Actor, referral_id: int, out: BinaryIO, include_reporter_contact: bool = False
) -> PacketInfo:
    """Write the referral's packet (docs/referral-packet.md) to `out`, then audit who exported it.

    Reading evidence from storage is I/O, so the packet is written outside any transaction; the
    audit event is recorded once it is complete.
    """
    _require(actor, "referrals.export_referral_packet", "export referral packets")
    _require(actor, RESTRICTED_PERM, "read a referral's evidence")
    referral = Referral.objects.select_related("case", "created_by").filter(pk=referral_id).first()
    if referral is None:
        raise NotFound("No referral has this id.")
    info = packet_write(referral=referral, out=out, actor=actor, include_reporter_contact=include_reporter_contact)
    audit.record(
        actor=actor,
        verb="referral.packet_exported",
        target=referral,
        data={
            "case": referral.case_id,
            "manifest_sha256": info.manifest_sha256,
            "evidence_files": info.evidence_files,
            "include_reporter_contact": include_reporter_contact,
        },
    )
    return info
