"""Reads of scan verdicts."""

from __future__ import annotations

import re

from hub.models import RepositoryFile
from scanning.models import FileScan, Verdict

_SHA256 = re.compile(r"[0-9a-f]{64}")


def file_scan_get(*, sha256: str) -> FileScan | None:
    """The verdict on these bytes; a digest the hub named but hubmod has not scanned yet reads as
    pending (or skipped, when the hub gave no url to fetch it from); None for one never named."""
    if not _SHA256.fullmatch(sha256):
        return None  # not a digest: nothing was ever named by it
    found = FileScan.objects.filter(sha256=sha256).first()
    if found is not None:
        return found
    files = RepositoryFile.objects.filter(sha256=sha256)
    if not files.exists():
        return None
    if files.exclude(url="").exists():
        return FileScan(sha256=sha256, verdict=Verdict.PENDING)
    return FileScan(sha256=sha256, verdict=Verdict.SKIPPED, reason="The hub gave no url to fetch it from.")
