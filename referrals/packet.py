"""The referral packet: a ZIP an authority can verify on its own. Its format is documented in
docs/referral-packet.md; change PACKET_VERSION with any change to it."""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.db.models import Q
from django.utils import timezone

from hub.models import Repository
from hubmod.actors import Actor
from hubmod.audit.models import AuditEvent
from moderation.models import Case
from referrals.models import PreservationHold, Referral

PACKET_FORMAT = "hubmod-referral-packet"
PACKET_VERSION = 1
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class PacketInfo:
    manifest_sha256: str
    evidence_files: int
    filename: str


def _subject(case: Case) -> dict[str, Any]:
    subject = case.subject
    if isinstance(subject, Repository):
        repo = subject
        return {
            "type": "repository",
            "id": repo.full_name,
            "kind": repo.kind,
            "owner": repo.owner.handle,
            "revision": repo.revision,
            "visibility": repo.visibility,
            "files": [{"path": f.path, "sha256": f.sha256, "size": f.size} for f in repo.files.order_by("path")],
        }
    return {"type": "account", "id": subject.handle, "standing": subject.standing}


def preservation_snapshot(case: Case) -> dict[str, Any]:
    """What is preserved at the moment of a referral: the reports and their evidence (by digest
    and size), the case's revision, and the subject with its current revision and file list."""
    return {
        "taken_at": timezone.now().isoformat(),
        "case": {"id": case.pk, "category": case.category, "state": case.state, "revision": case.revision},
        "subject": _subject(case),
        "reports": [
            {
                "id": report.pk,
                "created_at": report.created_at.isoformat(),
                "revision": report.revision,
                "path": report.path,
                "file_sha256": report.file_sha256,
                "evidence": [
                    {"id": e.pk, "sha256": e.sha256, "size": e.size, "content_type": e.content_type}
                    for e in report.evidence.order_by("id")
                ],
            }
            for report in case.reports.prefetch_related("evidence").order_by("id")
        ],
    }


def _evidence_entry(evidence) -> dict[str, Any]:
    return {
        "id": evidence.pk,
        "sha256": evidence.sha256,
        "size": evidence.size,
        "content_type": evidence.content_type,
        "original_name": evidence.original_name,
        "purged_at": evidence.purged_at.isoformat() if evidence.purged_at else None,
        "file": None if evidence.purged_at else f"evidence/{evidence.pk}-{evidence.sha256}",
    }


def _report_entry(report, *, include_reporter_contact: bool) -> dict[str, Any]:
    # Reporter contact stays out unless legal asks for it: an authority needs it only to follow up
    # with the reporter, and a child-safety reporter is never required to give it.
    reporter: dict[str, Any] = {
        "identified": bool(report.reporter_email),
        "trusted_flagger": bool(report.reporter and report.reporter.trusted),
    }
    if include_reporter_contact:
        reporter.update(name=report.reporter_name, email=report.reporter_email, on_behalf_of=report.on_behalf_of)
    return {
        "id": report.pk,
        "category": report.category,
        "source": report.source,
        "created_at": report.created_at.isoformat(),
        "subject_type": report.subject_type,
        "subject_ref": report.subject_ref,
        "revision": report.revision,
        "path": report.path,
        "lines": [report.line_start, report.line_end] if report.line_start else None,
        "file_sha256": report.file_sha256,
        "details": report.details,
        "reporter": reporter,
        "evidence": [_evidence_entry(e) for e in report.evidence.order_by("id")],
    }


def _audit_events(case: Case, report_ids: list[int], evidence_ids: list[int]) -> list[dict[str, Any]]:
    targets = Q(target_type="moderation.case", target_id=str(case.pk))
    for label, ids in (
        ("reports.report", report_ids),
        ("reports.evidence", evidence_ids),
        ("referrals.referral", list(case.referrals.values_list("pk", flat=True))),
        ("referrals.preservationhold", list(case.preservation_holds.values_list("pk", flat=True))),
    ):
        if ids:
            targets |= Q(target_type=label, target_id__in=[str(i) for i in ids])
    return [
        {
            "seq": e.seq,
            "at": e.created_at.isoformat(),
            "actor": e.actor_label,
            "actor_kind": e.actor_kind,
            "verb": e.verb,
            "target": {"type": e.target_type, "id": e.target_id, "label": e.target_label},
            "data": e.data,
            "hash": e.hash,
            "prev_hash": e.prev_hash,
        }
        for e in AuditEvent.objects.filter(targets).order_by("seq")
    ]


def packet_manifest(*, referral: Referral, actor: Actor, include_reporter_contact: bool) -> dict[str, Any]:
    case = referral.case
    reports = list(case.reports.select_related("reporter").prefetch_related("evidence").order_by("id"))
    report_entries = [_report_entry(r, include_reporter_contact=include_reporter_contact) for r in reports]
    evidence_ids = [e["id"] for r in report_entries for e in r["evidence"]]
    return {
        "format": PACKET_FORMAT,
        "version": PACKET_VERSION,
        "generated_at": timezone.now().isoformat(),
        "generated_by": actor.label,
        "includes_reporter_contact": include_reporter_contact,
        "referral": {
            "id": referral.pk,
            "authority": referral.authority,
            "authority_label": referral.authority_label,
            "referred_at": referral.referred_at.isoformat(),
            "reference": referral.reference,
            "notes": referral.notes,
            "created_by": referral.created_by.get_username(),
            "created_at": referral.created_at.isoformat(),
            "preserved": referral.preserved,
        },
        "case": {
            "id": case.pk,
            "category": case.category,
            "state": case.state,
            "subject": _subject(case),
            "revision": case.revision,
            "escalated_to": case.escalated_to,
            "escalation_reason": case.escalation_reason,
            "created_at": case.created_at.isoformat(),
            "resolved_at": case.resolved_at.isoformat() if case.resolved_at else None,
            "decisions": [
                {
                    "id": d.pk,
                    "outcome": d.outcome,
                    "actions": d.requested_actions,
                    "ground": d.ground_label,
                    "statement": d.statement,
                    "approval": d.approval,
                    "created_at": d.created_at.isoformat(),
                }
                for d in case.decisions.order_by("id")
            ],
        },
        "preservation_holds": [
            {
                "id": h.pk,
                "state": h.state,
                "reason": h.reason,
                "referral": h.referral_id,
                "placed_at": h.created_at.isoformat(),
                "released_at": h.released_at.isoformat() if h.released_at else None,
                "release_reason": h.release_reason,
            }
            for h in PreservationHold.objects.filter(case=case).order_by("id")
        ],
        "reports": report_entries,
        "audit_events": _audit_events(case, [r.pk for r in reports], evidence_ids),
        "files": [],
    }


def _copy(evidence, archive: zipfile.ZipFile, name: str) -> dict[str, Any]:
    """Copy one stored file into the archive, hashing it on the way: the digest in `files` is of
    the bytes in the packet, so a file changed in storage shows as a mismatch, never silently."""
    digest, size = hashlib.sha256(), 0
    with evidence.file.open("rb") as source, archive.open(name, "w", force_zip64=True) as target:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            target.write(chunk)
    found = digest.hexdigest()
    return {"path": name, "sha256": found, "size": size, "matches_record": found == evidence.sha256}


def packet_write(*, referral: Referral, out: BinaryIO, actor: Actor, include_reporter_contact: bool) -> PacketInfo:
    manifest = packet_manifest(referral=referral, actor=actor, include_reporter_contact=include_reporter_contact)
    evidence = {e.pk: e for r in referral.case.reports.prefetch_related("evidence") for e in r.evidence.all()}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for report in manifest["reports"]:
            for entry in report["evidence"]:
                if entry["file"] is None:
                    continue
                try:
                    manifest["files"].append(_copy(evidence[entry["id"]], archive, entry["file"]))
                except FileNotFoundError:
                    # Gone from storage without a purge: say so rather than fail the whole packet.
                    entry["file"], entry["missing_from_storage"] = None, True
        body = json.dumps(manifest, indent=2, sort_keys=True, default=str).encode()
        archive.writestr("manifest.json", body)
        manifest_sha256 = hashlib.sha256(body).hexdigest()
        # sha256sum -c SHA256SUMS checks every file, the manifest included.
        sums = [f"{manifest_sha256}  manifest.json", *(f"{f['sha256']}  {f['path']}" for f in manifest["files"])]
        archive.writestr("SHA256SUMS", "\n".join(sums) + "\n")
    return PacketInfo(
        manifest_sha256=manifest_sha256,
        evidence_files=len(manifest["files"]),
        filename=f"referral-{referral.pk}-packet.zip",
    )
