"""Scanning's writes: what a sync asks to be scanned, what a scan found, and what a verdict does.

A verdict belongs to the bytes (sha256), wherever they appear on the hub: a file already scanned
is not fetched again when another repository or revision carries it, and its verdict acts on each
repository that does. Scanning files reports through intake; it never decides (DESIGN.md).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hub.events import hub_event_emit
from hub.models import HubEvent, Repository, RepositoryFile
from hub.services import files_scan_verdict_set, files_unscannable_mark
from hubmod.actors import SYSTEM, Actor
from hubmod.audit import log as audit
from hubmod.categories import ReportCategory
from hubmod.errors import ApplicationError, Forbidden, NotFound
from hubmod.tasks import dispatch_now, dispatch_on_commit
from moderation.services.automation import case_decide_automated
from reports.models import Report
from reports.services import automated_report_file
from scanning.analysis.result import verdict_worst
from scanning.analysis.run import analyse
from scanning.analysis.versions import scanner_versions
from scanning.fetch import fetch
from scanning.models import FalsePositive, FileScan, ScannerRun, Verdict, VerdictAutomation, worst

SCAN_TASK = "scanning.file_scan"
FINAL = {Verdict.CLEAN, Verdict.SKIPPED, Verdict.ERROR, Verdict.SUSPICIOUS, Verdict.DANGEROUS}
# A finding of one of these kinds is a secret in the file: the report is about private information.
SECRET_KINDS = frozenset({"secret"})


def scans_request(*, repository: Repository) -> list[str]:
    """After a sync: ask for a scan of every new content among the repository's files that has a
    url, and act at once on the contents scanned before. Returns the digests queued."""
    files_unscannable_mark(repository=repository)
    files = list(repository.files.exclude(url="").order_by("path"))
    known = {scan.sha256: scan for scan in FileScan.objects.filter(sha256__in={f.sha256 for f in files})}
    new = {f.sha256: f.size for f in files if f.sha256 not in known}
    # One insert however many files the revision has; a sync racing this one for the same bytes
    # keeps its own row, and the second scan it may queue records the same verdict again.
    FileScan.objects.bulk_create([FileScan(sha256=sha256, size=size) for sha256, size in new.items()],
                                 ignore_conflicts=True)  # fmt: skip
    for sha256 in new:
        dispatch_on_commit(SCAN_TASK, sha256)
    by_verdict: dict[str, list[str]] = {}
    for scan in known.values():
        by_verdict.setdefault(scan.verdict, []).append(scan.sha256)
    for verdict, sha256s in by_verdict.items():
        files_scan_verdict_set(sha256s=sha256s, verdict=verdict, repository=repository)
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
    """Keep what the scanners found in these bytes, then act on every repository that carries them.
    `verdict` is what the scanners said; a result a moderator found false at that scanner's
    version does not count toward the verdict kept."""
    scan = FileScan.objects.select_for_update().get(sha256=sha256)
    scan.scanners = list(scanners)
    scan.verdict = _verdict_counted(scan, default=verdict)
    scan.reason, scan.scanned_at, scan.attempts = reason, timezone.now(), scan.attempts + 1
    scan.rescan_requested_at = None
    scan.save(update_fields=["verdict", "reason", "scanners", "scanned_at", "attempts", "rescan_requested_at",
                             "updated_at"])  # fmt: skip
    scan.runs.all().delete()
    ScannerRun.objects.bulk_create(
        ScannerRun(scan=scan, name=result["name"], version=result["version"], verdict=result.get("verdict", ""))
        for result in scan.scanners
        if result.get("name")
    )
    audit.record(actor=SYSTEM, verb="filescan.recorded", target=scan, data={"verdict": scan.verdict, "reason": reason})
    _verdict_spread(scan)
    return scan


def _verdict_spread(scan: FileScan) -> None:
    """Copy the verdict beside every file with these bytes, act on it, and tell the hub."""
    files_scan_verdict_set(sha256s=[scan.sha256], verdict=scan.verdict)
    repositories = list(Repository.objects.filter(files__sha256=scan.sha256).distinct().order_by("pk"))
    _verdict_act(scan, repositories=repositories)
    for repository in repositories:
        _revision_complete_if_done(repository)


def _results_counted(scan: FileScan) -> list[dict[str, Any]]:
    """The scanners' results on these bytes that count: all but those found false at that version."""
    false = set(FalsePositive.objects.filter(sha256=scan.sha256).values_list("scanner", "version"))
    return [r for r in scan.scanners if (r.get("name"), r.get("version")) not in false]


def _verdict_counted(scan: FileScan, *, default: str) -> str:
    """The file's verdict from the results that count; `default` when no result was found false
    (it carries what the scanners' results cannot: a download that failed, a file skipped)."""
    counted = _results_counted(scan)
    if len(counted) == len(scan.scanners):
        return default
    return verdict_worst([r["verdict"] for r in counted]) if counted else Verdict.CLEAN


def _verdict_act(scan: FileScan, *, repositories: list[Repository]) -> list[Report]:
    """A dangerous file opens an automated report on each repository carrying it, once per path;
    a suspicious one is shown, not reported. When a hub admin chose to act on dangerous verdicts,
    the new case is decided at once through the automation circuit breaker."""
    if scan.verdict != Verdict.DANGEROUS:
        return []
    dangerous = [r for r in _results_counted(scan) if r.get("verdict") == Verdict.DANGEROUS]
    findings = [finding for result in dangerous for finding in result.get("findings", [])]
    secret = bool(findings) and all(f.get("kind") in SECRET_KINDS for f in findings)
    found_by = ", ".join(f"{r['name']} {r['version']}" for r in dangerous)
    automation = VerdictAutomation.objects.filter(verdict=scan.verdict, enabled=True).exclude(actions=[]).first()
    # Every repository's copies of these bytes in one read, not a read per repository.
    files = (
        RepositoryFile.objects.filter(repository__in=repositories, sha256=scan.sha256)
        .select_related("repository")
        .order_by("repository_id", "path")
    )
    filed = []
    for file in files:
        report = automated_report_file(
            repository=file.repository,
            file=file,
            category=ReportCategory.PRIVATE_INFORMATION if secret else ReportCategory.MALICIOUS_CODE,
            details=_report_details(file.path, scan, findings, found_by=found_by, secret=secret),
            detector=f"scan:{scan.sha256[:16]}",
        )
        if report is None:
            continue
        filed.append(report)
        if automation is not None and report.case_id is not None:
            case_decide_automated(
                case_id=report.case_id,
                actions=list(automation.actions),
                source=f"artifact scan found {file.path} dangerous ({_finding_summary(findings)})",
                why=f"Actions a hub admin set for {scan.verdict} artifact scan verdicts.",
            )
    return filed


def _finding_summary(findings: list[dict[str, Any]]) -> str:
    return "; ".join(f.get("detail", "") + (f" in {f['member']}" if f.get("member") else "") for f in findings[:20])


def _report_details(
    path: str, scan: FileScan, findings: list[dict[str, Any]], *, found_by: str, secret: bool
) -> dict[str, str]:
    what = f"Found by hubmod's artifact scan ({found_by}): {_finding_summary(findings) or 'see the scan'}."
    if secret:
        return {"information_kind": "credentials", "location": path, "explanation": what}
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


@transaction.atomic
def false_positive_mark(
    *, actor: Actor, sha256: str, scanner: str, reason: str, case_id: int | None = None
) -> FileScan:
    """A moderator finds a scanner wrong about these bytes: recorded per content and scanner
    version, the result stops counting (the verdict is recomputed and the hub told), and the
    bytes are not reported again for it. Cases already open stay for the moderator to dismiss:
    scanning never decides."""
    if not actor.has_perm("scanning.add_falsepositive"):
        raise Forbidden("Only a moderator can mark a scanner's finding as false.")
    scan = FileScan.objects.select_for_update().filter(sha256=sha256).first()
    if scan is None:
        raise NotFound("hubmod has no scan of this file.")
    result = next((r for r in scan.scanners if r.get("name") == scanner), None)
    if result is None:
        raise ApplicationError(f"No scanner named {scanner!r} judged this file.")
    if result.get("verdict") not in (Verdict.DANGEROUS, Verdict.SUSPICIOUS):
        raise ApplicationError(f"{scanner} found nothing in this file: there is no finding to mark as false.")
    reason = reason.strip()
    if not reason:
        raise ApplicationError("Say why the finding is wrong: what did you check?")
    if FalsePositive.objects.filter(sha256=sha256, scanner=scanner, version=result["version"]).exists():
        raise ApplicationError(f"{scanner} {result['version']} is already marked wrong about this file.")
    marked = FalsePositive.objects.create(
        sha256=sha256,
        scanner=scanner,
        version=result["version"],
        reason=reason,
        marked_by=actor.person(what="a false positive"),
        case_id=case_id,
    )
    was = scan.verdict
    counted = _results_counted(scan)
    scan.verdict = verdict_worst([r["verdict"] for r in counted]) if counted else Verdict.CLEAN
    scan.save(update_fields=["verdict", "updated_at"])
    audit.record(
        actor=actor,
        verb="filescan.false_positive",
        target=scan,
        data={"scanner": scanner, "version": result["version"], "was": was, "now": scan.verdict,
              "case_id": case_id, "false_positive_id": marked.pk},
    )  # fmt: skip
    _verdict_spread(scan)
    return scan


RESCAN_AGAIN_AFTER = timedelta(hours=1)


def scans_outdated_sweep(*, limit: int = 500) -> int:
    """Beat: queue a rescan of contents a scanner judged at another version than it runs at now,
    at most `limit` per run (oldest verdicts first), each at most once an hour while queued.
    The verdict shown stays until the rescan records a new one. Returns the number queued."""
    now = timezone.now()
    due = Q(rescan_requested_at__isnull=True) | Q(rescan_requested_at__lt=now - RESCAN_AGAIN_AFTER)
    sha256s = list(
        FileScan.objects.filter(due, verdict__in=FINAL)
        .filter(pk__in=ScannerRun.objects.filter(_run_outdated()).values("scan_id"))
        .order_by("scanned_at", "pk")
        .values_list("sha256", flat=True)[:limit]
    )
    FileScan.objects.filter(sha256__in=sha256s).update(rescan_requested_at=now)
    for sha256 in sha256s:
        dispatch_now(SCAN_TASK, sha256)
    return len(sha256s)


def _run_outdated() -> Q:
    """A scanner run at another version than the scanner's now."""
    outdated = Q(pk__in=[])
    for name, version in scanner_versions().items():
        outdated |= Q(name=name) & ~Q(version=version)
    return outdated


# What a verdict alone may do to a repository before a moderator looks: reversible actions only.
AUTOMATION_ACTIONS = ("gate", "delist", "disable", "quarantine")


def verdict_automation_refusal(*, verdict: str, actions: list[str], enabled: bool) -> str | None:
    """Why this choice of what a verdict does on its own cannot be kept; None when it can. The
    admin's form asks before it saves, and the service before it writes: one rule."""
    if verdict not in dict(VerdictAutomation.ACTING_VERDICTS):
        return f"Only a {Verdict.DANGEROUS} verdict can act on its own; a suspicious one is shown."
    unknown = sorted(set(actions) - set(AUTOMATION_ACTIONS))
    if unknown:
        return f"A verdict may only {', '.join(AUTOMATION_ACTIONS)}; not {', '.join(unknown)}."
    if enabled and not actions:
        return "Choose at least one action to turn this on."
    return None


@transaction.atomic
def verdict_automation_set(*, actor: Actor, verdict: str, actions: list[str], enabled: bool) -> VerdictAutomation:
    """A hub admin's choice to act at once on a verdict (off by default), audited."""
    if not actor.has_perm("scanning.change_verdictautomation"):
        raise Forbidden("Only a hub admin can choose what a scan verdict does on its own.")
    refusal = verdict_automation_refusal(verdict=verdict, actions=actions, enabled=enabled)
    if refusal is not None:
        raise ApplicationError(refusal)
    setting, _ = VerdictAutomation.objects.select_for_update().get_or_create(verdict=verdict)
    before = {"actions": setting.actions, "enabled": setting.enabled}
    setting.actions, setting.enabled = sorted(set(actions)), enabled
    setting.save()
    audit.record(
        actor=actor,
        verb="scanning.automation_set",
        target=setting,
        data={"before": before, "after": {"actions": setting.actions, "enabled": setting.enabled}},
    )
    return setting
