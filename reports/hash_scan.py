"""Known-bad hashes: a synced repository whose files match a hub admin's hash list gets an
automated report, recorded as automated detection for the statement of reasons."""

from __future__ import annotations

from hub.models import Repository, RepositoryFile
from hubmod.categories import ReportCategory
from moderation.services.automation import case_decide_automated
from reports.models import HashList, KnownHash, Report
from reports.services import automated_report_file


def _automated_details(hash_list: HashList, path: str, sha256: str) -> dict:
    what = f"The file matches the hash list '{hash_list.name}': {hash_list.note}"
    if hash_list.category == ReportCategory.MALICIOUS_CODE:
        return {"location": path, "behaviour": what, "sha256": sha256}
    if hash_list.category == ReportCategory.CHILD_SAFETY:
        return {"location": path, "explanation": what}
    if hash_list.category == ReportCategory.PRIVATE_INFORMATION:
        return {"information_kind": "other", "location": path, "explanation": what}
    return {"explanation": f"{path}: {what}"}


def repository_scan_files(*, repository_id: int) -> list[Report]:
    """File one automated report per matching file and list; a rescan files nothing twice."""
    repository = Repository.objects.filter(pk=repository_id).first()
    if repository is None:
        return []
    matches = (
        KnownHash.objects.filter(hash_list__active=True, sha256__in=repository.files.values("sha256"))
        .select_related("hash_list")
        .order_by("hash_list_id", "sha256")
    )
    filed = []
    for known in matches:
        for file in RepositoryFile.objects.filter(repository=repository, sha256=known.sha256).order_by("path"):
            report = automated_report_file(
                repository=repository,
                file=file,
                category=known.hash_list.category,
                details=_automated_details(known.hash_list, file.path, known.sha256),
                detector=f"hash-list:{known.hash_list.pk}",
            )
            if report is None:
                continue
            filed.append(report)
            if known.hash_list.auto_actions:
                case_decide_automated(
                    case_id=report.case_id,
                    actions=list(known.hash_list.auto_actions),
                    source=f"{file.path} matches the hash list '{known.hash_list.name}': {known.hash_list.note}",
                )
    return filed


def hash_list_scan(*, hash_list_id: int) -> int:
    """Scan every synced repository against one list, e.g. after an admin adds hashes to it."""
    repository_ids = (
        Repository.objects.filter(
            files__sha256__in=KnownHash.objects.filter(hash_list_id=hash_list_id).values("sha256")
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    return sum(len(repository_scan_files(repository_id=pk)) for pk in repository_ids)
