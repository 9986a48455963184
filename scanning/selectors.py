"""Reads of scan verdicts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q

from hub.models import Repository, RepositoryFile
from scanning.excerpts import HeadFile, ReportedRange
from scanning.models import FalsePositive, FileScan, ScannerRun, Verdict, worst

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


# A repository may have tens of thousands of files: the case page lists those that matter (reported,
# or not clean) and at most this many of the rest.
CASE_FILES_SHOWN = 50
_ATTENTION = (Verdict.DANGEROUS, Verdict.SUSPICIOUS, Verdict.ERROR, Verdict.PENDING)


@dataclass(frozen=True)
class ScannerLine:
    name: str
    version: str
    verdict: str
    findings: list[dict[str, Any]]
    error: str
    false_positive: bool

    @property
    def markable(self) -> bool:
        """A finding a moderator may mark as false: one that counts against the file."""
        return self.verdict in (Verdict.DANGEROUS, Verdict.SUSPICIOUS) and not self.false_positive


@dataclass(frozen=True)
class FileLine:
    path: str
    sha256: str
    size: int
    verdict: str
    reported: bool
    reason: str
    scanners: list[ScannerLine]


@dataclass(frozen=True)
class RepositoryFiles:
    verdict: str
    files: list[FileLine]
    total: int
    not_shown: int


def repository_files_scanned(*, repository: Repository, reported_paths: set[str]) -> RepositoryFiles:
    """The head revision's files with their verdicts and findings, reported and worst first."""
    everything = repository.files.all()
    total = everything.count()
    verdict = worst(everything.values_list("scan_verdict", flat=True).distinct())
    first = everything.filter(Q(path__in=reported_paths) | Q(scan_verdict__in=_ATTENTION)).order_by("path")
    rest = everything.exclude(pk__in=first.values("pk")).order_by("path")[:CASE_FILES_SHOWN]
    files = [*first, *rest]
    scans = {s.sha256: s for s in FileScan.objects.filter(sha256__in={f.sha256 for f in files})}
    false = set(FalsePositive.objects.filter(sha256__in=scans).values_list("sha256", "scanner", "version"))
    order = list(reversed(Verdict.values))
    lines = [
        FileLine(
            path=f.path,
            sha256=f.sha256,
            size=f.size,
            verdict=f.scan_verdict,
            reported=f.path in reported_paths,
            reason=scans[f.sha256].reason if f.sha256 in scans else "",
            scanners=[
                ScannerLine(
                    name=r.get("name", ""),
                    version=r.get("version", ""),
                    verdict=r.get("verdict", ""),
                    findings=list(r.get("findings", [])),
                    error=r.get("error", ""),
                    false_positive=(f.sha256, r.get("name"), r.get("version")) in false,
                )
                for r in (scans[f.sha256].scanners if f.sha256 in scans else [])
            ],
        )
        for f in files
    ]
    lines.sort(key=lambda line: (not line.reported, order.index(line.verdict), line.path))
    return RepositoryFiles(verdict=verdict, files=lines, total=total, not_shown=total - len(lines))


def case_reported_locations(case: Any) -> list[ReportedRange]:
    """Where the case's reports point in the repository's files: each report that names a path,
    with its lines (0 and 0 when it names none), in one query."""
    rows = (
        case.reports.exclude(path="")
        .order_by("id")
        .values_list("pk", "path", "line_start", "line_end", "revision", "file_sha256")
    )
    return [
        ReportedRange(
            report_id=pk,
            path=path,
            line_start=line_start or 0,
            line_end=line_end or line_start or 0,
            revision=revision,
            file_sha256=file_sha256,
        )
        for pk, path, line_start, line_end, revision, file_sha256 in rows
    ]


def head_files(*, repository: Repository, paths: set[str]) -> dict[str, HeadFile]:
    """These paths' files in the head revision, with the url the hub gave for each, by path."""
    if not paths:
        return {}
    rows = repository.files.filter(path__in=paths).values_list("path", "sha256", "size", "url")
    return {path: HeadFile(path=path, sha256=sha256, size=size, url=url) for path, sha256, size, url in rows}


def scanner_accuracy(*, since: datetime, until: datetime) -> dict[str, dict[str, int]]:
    """Per scanner: the files it found dangerous or suspicious among those scanned in the period,
    and how many of its findings moderators marked wrong in it."""
    flagged = dict(
        ScannerRun.objects.filter(
            scan__scanned_at__gte=since,
            scan__scanned_at__lt=until,
            verdict__in=(Verdict.DANGEROUS, Verdict.SUSPICIOUS),
        )
        .order_by()
        .values_list("name")
        .annotate(n=Count("pk"))
    )
    wrong = dict(
        FalsePositive.objects.filter(created_at__gte=since, created_at__lt=until)
        .order_by()
        .values_list("scanner")
        .annotate(n=Count("pk"))
    )
    return {
        f"artifact scan: {name}": {"flagged": flagged.get(name, 0), "false_positives": wrong.get(name, 0)}
        for name in sorted(set(flagged) | set(wrong))
    }
