"""The version each scanner runs at now: what the rescan sweep compares recorded verdicts with."""

from __future__ import annotations

from scanning.analysis import fickling, gguf, picklescan, run, safetensors
from scanning.analysis.result import package_version


def scanner_versions() -> dict[str, str]:
    return {
        run.ANALYSER_NAME: run.ANALYSER_VERSION,
        picklescan.NAME: package_version(picklescan.DISTRIBUTION),
        fickling.NAME: package_version(fickling.DISTRIBUTION),
        safetensors.NAME: safetensors.VERSION,
        gguf.NAME: gguf.VERSION,
    }
