"""What scanning does when a lower layer's hook fires (hubmod.hooks); registered in scanning.apps."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from hub.models import Repository
from scanning.excerpts import excerpts_for
from scanning.forms import FalsePositiveForm
from scanning.selectors import case_reported_locations, head_files, repository_files_scanned, scanner_accuracy
from scanning.services import scans_request


def repository_synced(*, repository: Repository, created: bool, changed: list[str]) -> None:
    if created or "files" in changed:
        scans_request(repository=repository)


def case_shown(*, case: Any, request: HttpRequest) -> str | None:
    """The case's repository's files with their verdicts and findings, and the lines its reports
    point at, on the case page."""
    if case.repository is None or not request.user.has_perm("scanning.view_filescan"):
        return None
    locations = case_reported_locations(case)
    files = repository_files_scanned(repository=case.repository, reported_paths={r.path for r in locations})
    with_lines = [r for r in locations if r.line_start]
    excerpts = excerpts_for(
        ranges=with_lines,
        files=head_files(repository=case.repository, paths={r.path for r in with_lines}),
        head_revision=case.repository.revision,
    )
    return render_to_string(
        "scanning/case_files.html",
        {
            "case": case,
            "scanned": files,
            "revision": case.repository.revision,
            "excerpts": excerpts,
            "can_mark": request.user.has_perm("scanning.add_falsepositive"),
            "false_positive_form": FalsePositiveForm(),
        },
        request=request,
    )


def automated_means_counted(*, since: datetime, until: datetime) -> dict[str, dict[str, int]] | None:
    return scanner_accuracy(since=since, until=until) or None
