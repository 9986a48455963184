"""Scanning's writes: what a sync asks to be scanned, what a scan found, and what a verdict does.

A verdict belongs to the bytes (sha256), wherever they appear on the hub: a file already scanned
is not fetched again when another repository or revision carries it, and its verdict acts on each
repository that does. Scanning files reports through intake; it never decides (DESIGN.md).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from hub.events import hub_event_emit
from hub.models import HubEvent, Repository, RepositoryFile
from hubmod.actors import SYSTEM
from hubmod.audit import log as audit
from hubmod.categories import ReportCategory
from hubmod.tasks import dispatch_on_commit
from reports.models import Report
from reports.services import automated_report_file
from scanning.analysis.result import verdict_worst
from scanning.analysis.run import analyse
from scanning.fetch import fetch
from scanning.models import FileScan, Verdict, worst

SCAN_TASK = "scanning.file_scan"
FINAL = {Verdict.CLEAN, Verdict.SKIPPED, Verdict.ERROR, Verdict.SUSPICIOUS, Verdict.DANGEROUS}
# A finding of one of these kinds is a secret in the file: the report is about private information.
SECRET_KINDS = frozenset({"secret"})


def scans_request(*, repository: Repository) -> list[str]:
    """After a sync: ask for a scan of every new content among the repository's files that has a
    url, and act at once on the contents scanned before. Returns the digests queued."""
    files = list(repository.files.exclude(url="").order_by("path"))
    known = {scan.sha256: scan for scan in FileScan.objects.filter(sha256__in={f.sha256 for f in files})}
    new = {f.sha256: f.size for f in files if f.sha256 not in known}
    # One insert however many files the revision has; a sync racing this one for the same bytes
    # keeps its own row, and the second scan it may queue records the same verdict again.
    FileScan.objects.bulk_create([FileScan(sha256=sha256, size=size) for sha256, size in new.items()],
                                 ignore_conflicts=True)  # fmt: skip
    for sha256 in new:
        dispatch_on_commit(SCAN_TASK, sha256)
    for scan in known.values():
        if scan.verdict in FINAL:
            _verdict_act(scan, repositories=[repository])
    _revision_complete_if_done(repository)
    return list(new)


def scan_source(*, sha256: str) -> RepositoryFile | None:
    """Where to fetch these bytes from: a file the hub gave a url for (the most recent sync's)."""
    return RepositoryFile.objects.filter(sha256=sha256).exclude(url="").order_by("-id").first()


@transaction.atomic
def scan_record(*, sha256: str, verdict: str, reason: str = "", scanners: Iterable[dict[str, Any]] = ()) -> FileScan:
    """Keep what the scanners found in these bytes, then act on every repository that carries them."""
    scan = FileScan.objects.select_for_update().get(sha256=sha256)
    scan.verdict, scan.reason, scan.scanners = verdict, reason, list(scanners)
    scan.scanned_at, scan.attempts = timezone.now(), scan.attempts + 1
    scan.save(update_fields=["verdict", "reason", "scanners", "scanned_at", "attempts", "updated_at"])
    audit.record(actor=SYSTEM, verb="filescan.recorded", target=scan, data={"verdict": verdict, "reason": reason})
    repositories = list(Repository.objects.filter(files__sha256=sha256).distinct().order_by("pk"))
    _verdict_act(scan, repositories=repositories)
    for repository in repositories:
        _revision_complete_if_done(repository)
    return scan


def _verdict_act(scan: FileScan, *, repositories: list[Repository]) -> list[Report]:
    """A dangerous file opens an automated report on each repository carrying it, once per path;
    a suspicious one is shown, not reported."""
    if scan.verdict != Verdict.DANGEROUS:
        return []
    findings = [
        finding
        for result in scan.scanners
        if result.get("verdict") == Verdict.DANGEROUS
        for finding in result.get("findings", [])
    ]
    secret = bool(findings) and all(f.get("kind") in SECRET_KINDS for f in findings)
    filed = []
    for repository in repositories:
        for file in repository.files.filter(sha256=scan.sha256).order_by("path"):
            report = automated_report_file(
                repository=repository,
                file=file,
                category=ReportCategory.PRIVATE_INFORMATION if secret else ReportCategory.MALICIOUS_CODE,
                details=_report_details(file.path, scan, findings, secret=secret),
                detector=f"scan:{scan.sha256[:16]}",
            )
            if report is not None:
                filed.append(report)
    return filed


def _report_details(path: str, scan: FileScan, findings: list[dict[str, Any]], *, secret: bool) -> dict[str, str]:
    found = "; ".join(
        f"{f.get('detail', '')}" + (f" in {f['member']}" if f.get("member") else "") for f in findings[:20]
    )
    names = ", ".join(f"{r['name']} {r['version']}" for r in scan.scanners if r.get("verdict") == "dangerous")
    what = f"Found by hubmod's artifact scan ({names}): {found or 'see the scan'}."
    if secret:
        return {"information_kind": "other", "location": path, "explanation": what}
    return {"location": path, "behaviour": what, "sha256": scan.sha256}


def _revision_complete_if_done(repository: Repository) -> None:
    """Tell the hub the verdict on its head revision once every file with a url has one."""
    files = list(repository.files.exclude(url="").order_by("path"))
    if not files:
        return
    verdicts = dict(FileScan.objects.filter(sha256__in={f.sha256 for f in files}).values_list("sha256", "verdict"))
    if any(verdicts.get(f.sha256, Verdict.PENDING) not in FINAL for f in files):
        return
    listed = [{"path": f.path, "sha256": f.sha256, "verdict": verdicts[f.sha256]} for f in files]
    told = HubEvent.objects.filter(repository=repository, type="scan.completed").order_by("-id").first()
    if told is not None and (told.payload.get("revision"), told.payload.get("files")) == (repository.revision, listed):
        return  # the hub knows this revision's verdicts already (a sync again, another file's scan)
    hub_event_emit(
        type="scan.completed",
        repository=repository,
        data={"revision": repository.revision, "verdict": worst([f["verdict"] for f in listed]), "files": listed},
    )


def file_scan_run(*, sha256: str) -> str:
    """Fetch these bytes from where the hub said, analyse them and record the verdict. Returns it.
    The download and the analysis run outside any transaction; only the record takes one."""
    scan = FileScan.objects.filter(sha256=sha256).first()
    if scan is None:
        return Verdict.PENDING
    source = scan_source(sha256=sha256)
    if source is None:
        no_url = "The hub gave no url to fetch it from."
        return scan_record(sha256=sha256, verdict=Verdict.SKIPPED, reason=no_url).verdict
    with tempfile.TemporaryDirectory(prefix="hubmod-scan-") as folder:
        fetched = fetch(source.url, expected_sha256=sha256, expected_size=source.size, into=Path(folder))
        if fetched.path is None:
            not_fetched = Verdict.SKIPPED if fetched.status == "skipped" else Verdict.ERROR
            return scan_record(sha256=sha256, verdict=not_fetched, reason=fetched.reason).verdict
        results = analyse(fetched.path)
    scanners = [result.as_dict() for result in results]
    reasons = "; ".join(f"{r.name}: {r.error}" for r in results if r.error)
    # The file's verdict is the worst any scanner gave it (a scanner that did not apply, skipped, counts least).
    verdict = verdict_worst([r.verdict for r in results])
    return scan_record(sha256=sha256, verdict=verdict, reason=reasons, scanners=scanners).verdict
