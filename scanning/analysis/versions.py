"""The version each scanner runs at now: what the rescan sweep compares recorded verdicts with."""

from __future__ import annotations

import contextlib

from django.conf import settings

from scanning.analysis import clamav, fickling, gguf, picklescan, run, safetensors, secrets
from scanning.analysis.result import package_version


def scanner_versions() -> dict[str, str]:
    versions = {
        run.ANALYSER_NAME: run.ANALYSER_VERSION,
        picklescan.NAME: package_version(picklescan.DISTRIBUTION),
        fickling.NAME: package_version(fickling.DISTRIBUTION),
        safetensors.NAME: safetensors.VERSION,
        gguf.NAME: gguf.VERSION,
        secrets.NAME: secrets.scanner_version(),
    }
    address = getattr(settings, "SCAN_CLAMD_ADDRESS", "")
    if address:
        # A new signature database is a new version; a clamd that does not answer now is asked
        # again at the next sweep rather than taken to have changed.
        with contextlib.suppress(clamav.ClamdUnavailable, ValueError):
            versions[clamav.NAME] = clamav.engine_version(clamav.Clamd(address, timeout=10).version())
    return versions
