"""`analyse(path)`: sniff a downloaded file and run every analyser that applies to its kind, and
ClamAV on every file when the operator runs a clamd.

The one module of the analysers that reads Django settings: the analysers themselves take what
they need as arguments."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from scanning.analysis import clamav, fickling, gguf, picklescan, safetensors, secrets
from scanning.analysis.result import ScannerResult, Verdict, package_version
from scanning.analysis.sniff import Kind, NotAPickleContainer, PickleStream, pickle_streams, sniff

PickleAnalyser = tuple[str, str, Callable[[list[PickleStream]], ScannerResult]]

# Two analysers of independent code: a global one of them misses, the other may catch, and a
# file's verdict is the worst of theirs (see docs/decisions/pickle-scanners.md).
PICKLE_ANALYSERS: list[PickleAnalyser] = [
    (picklescan.NAME, picklescan.DISTRIBUTION, picklescan.picklescan_analyse),
    (fickling.NAME, fickling.DISTRIBUTION, fickling.fickling_analyse),
]
PICKLE_KINDS: set[Kind] = {"pickle", "compressed_pickle", "pytorch_zip", "numpy", "numpy_zip", "zip"}
ANALYSER_NAME = "hubmod-sniff"
ANALYSER_VERSION = "1"


def analyse(path: str | Path) -> list[ScannerResult]:
    results = _kind_results(path)
    # Off unless configured (hubmod/settings.py); the health page says when it is off.
    address = getattr(settings, "SCAN_CLAMD_ADDRESS", "")
    if address:
        timeout = getattr(settings, "SCAN_CLAMD_TIMEOUT_SECONDS", clamav.DEFAULT_TIMEOUT_SECONDS)
        results.append(clamav.clamav_analyse(path, address=address, timeout=timeout))
    return results


def _kind_results(path: str | Path) -> list[ScannerResult]:
    try:
        kind = sniff(path)
    except OSError as error:
        return [_result("error", error=f"cannot read the file: {error}")]
    if kind == "safetensors":
        return [safetensors.safetensors_analyse(path)]
    if kind == "gguf":
        return [gguf.gguf_analyse(path)]
    if kind in PICKLE_KINDS:
        return _pickle_results(path, kind)
    if kind == "text":
        max_bytes = getattr(settings, "SCAN_SECRETS_MAX_BYTES", secrets.DEFAULT_MAX_BYTES)
        return [secrets.secrets_analyse(path, max_bytes=max_bytes)]
    return [_result("skipped", error=f"type not scanned: {kind}")]


def _pickle_results(path: str | Path, kind: Kind) -> list[ScannerResult]:
    results = []
    for name, distribution, run in PICKLE_ANALYSERS:
        version = package_version(distribution)
        try:
            # Each analyser reads its own fresh streams: one may leave a stream anywhere.
            with pickle_streams(path, kind) as streams:
                if not streams:
                    if kind == "zip":
                        return [_result("skipped", error="type not scanned: zip without pickles")]
                    results.append(ScannerResult(name=name, version=version, verdict="clean"))
                    continue
                results.append(run(streams))
        except (zipfile.BadZipFile, NotAPickleContainer, OSError, EOFError) as error:
            results.append(ScannerResult(name=name, version=version, verdict="error", error=str(error)))
    return results


def _result(verdict: Verdict, *, error: str) -> ScannerResult:
    return ScannerResult(name=ANALYSER_NAME, version=ANALYSER_VERSION, verdict=verdict, error=error)
