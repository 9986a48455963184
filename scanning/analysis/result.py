"""What an analyser says about one file: the shape API.md's `scanners` entries take."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import metadata
from typing import Any, Literal

Verdict = Literal["clean", "suspicious", "dangerous", "error", "skipped"]

# Worst first is not the order here: a file's verdict is the highest rank among its analysers'.
# "error" ranks above "clean" so a file an analyser could not read is never shown as clean, and
# below "suspicious" so a finding another analyser made is not hidden by it.
VERDICT_RANK: dict[Verdict, int] = {
    "skipped": 0,
    "clean": 1,
    "error": 2,
    "suspicious": 3,
    "dangerous": 4,
}


@dataclass(frozen=True)
class Finding:
    kind: str
    detail: str
    member: str | None = None

    def as_dict(self) -> dict[str, str]:
        data = {"kind": self.kind, "detail": self.detail}
        if self.member is not None:
            data["member"] = self.member
        return data


@dataclass(frozen=True)
class ScannerResult:
    name: str
    version: str
    verdict: Verdict
    findings: tuple[Finding, ...] = field(default=())
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "version": self.version,
            "verdict": self.verdict,
            "findings": [finding.as_dict() for finding in self.findings],
        }
        if self.error is not None:
            data["error"] = self.error
        return data


def verdict_worst(verdicts: list[Verdict]) -> Verdict:
    if not verdicts:
        return "skipped"
    return max(verdicts, key=VERDICT_RANK.__getitem__)


def verdict_from_findings(findings: list[Finding], *, dangerous: set[str]) -> Verdict:
    """A finding whose kind is in `dangerous` makes the file dangerous; any other, suspicious."""
    if any(finding.kind in dangerous for finding in findings):
        return "dangerous"
    return "suspicious" if findings else "clean"


def header_check_result(name: str, version: str, findings: list[Finding]) -> ScannerResult:
    """A header check's result: any finding makes the file suspicious (a header that lies is shown,
    never reported: it runs no code by itself)."""
    return ScannerResult(
        name=name,
        version=version,
        verdict=verdict_from_findings(findings, dangerous=set()),
        findings=tuple(findings),
    )


def package_version(distribution: str) -> str:
    # The installed version, not a constant copied here: a verdict must name the code that made
    # it, so that an upgrade shows up as a version change and triggers a rescan.
    return metadata.version(distribution)
