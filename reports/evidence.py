"""Evidence files: checked for size, count and real type (by content, not by name), then stored
through Django's storage API under their sha256, so the same file is kept once."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePath

import puremagic
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from hubmod.actors import Actor
from hubmod.audit import log as audit
from hubmod.errors import ApplicationError, Forbidden, Gone
from moderation.restriction import case_is_restricted, may_read_evidence
from reports.models import Evidence, Report

# What a reporter may attach: screenshots, documents and plain text. Never executables or archives.
BINARY_TYPES = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
}
TEXT_TYPES = {".txt": "text/plain", ".csv": "text/csv", ".json": "application/json", ".md": "text/markdown"}


@dataclass(frozen=True)
class EvidenceFile:
    original_name: str
    content: bytes
    content_type: str
    sha256: str


def _sniff(name: str, content: bytes) -> str | None:
    try:
        mime = puremagic.from_string(content[:8192], mime=True)
    except (puremagic.PureError, ValueError):
        mime = ""
    if mime in BINARY_TYPES:
        return mime
    suffix = PurePath(name).suffix.lower()
    if suffix in TEXT_TYPES and b"\x00" not in content:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return TEXT_TYPES[suffix]
    return None


def evidence_read(uploads) -> list[EvidenceFile]:
    """Check uploaded files (Django UploadedFile objects) and read them; 400 with reasons otherwise."""
    uploads = list(uploads)
    limit = settings.EVIDENCE_MAX_BYTES
    errors = []
    if len(uploads) > settings.EVIDENCE_MAX_FILES:
        errors.append(f"Attach at most {settings.EVIDENCE_MAX_FILES} files.")
    files = []
    for upload in uploads[: settings.EVIDENCE_MAX_FILES]:
        name = PurePath(upload.name or "file").name[:255]
        if upload.size > limit:
            errors.append(f"{name} is larger than {limit // (1024 * 1024)} MB.")
            continue
        content = upload.read()
        content_type = _sniff(name, content)
        if content_type is None:
            errors.append(
                f"{name} is not a file type we accept: attach PNG, JPEG, GIF, WebP or PDF, or UTF-8 text "
                "(.txt, .csv, .json, .md)."
            )
            continue
        files.append(EvidenceFile(name, content, content_type, hashlib.sha256(content).hexdigest()))
    if errors:
        raise ApplicationError("Some files cannot be accepted.", field_errors={"evidence": errors})
    return files


def evidence_store(*, report: Report, upload: EvidenceFile) -> Evidence:
    path = f"evidence/{upload.sha256[:2]}/{upload.sha256}"
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(upload.content))
    return Evidence.objects.create(
        report=report,
        file=path,
        sha256=upload.sha256,
        size=len(upload.content),
        content_type=upload.content_type,
        original_name=upload.original_name,
    )


def evidence_for_download(*, evidence_id: int, user) -> Evidence | None:
    """The evidence row `user` may download; None if there is none.

    Forbidden (403) for a restricted case's evidence unless the user is legal, whatever else they
    hold; Gone (410) once the retention purge deleted the file. Legal's reads of restricted
    evidence are audited: who looked at what, and when, is part of the chain of custody.
    """
    evidence = Evidence.objects.select_related("report__case").filter(pk=evidence_id).first()
    if evidence is None:
        return None
    case = evidence.report.case
    if not may_read_evidence(user, case):
        raise Forbidden(
            "This evidence belongs to a restricted case (child safety or escalated to legal); only legal can read it."
        )
    if evidence.purged_at is not None:
        raise Gone(
            f"This file was deleted on {evidence.purged_at:%Y-%m-%d} under the evidence retention rule "
            f"({settings.EVIDENCE_RETENTION_DAYS} days after the case was resolved); its sha256 and size are kept."
        )
    if case_is_restricted(case):
        audit.record(actor=Actor.staff(user), verb="evidence.read", target=evidence, data={"case": case.pk})
    return evidence
