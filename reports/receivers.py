"""What intake does when a lower layer's hook fires (hubmod.hooks); registered in reports.apps."""

from hub.models import Repository
from hubmod.tasks import dispatch_on_commit
from moderation.models import Decision


def repository_synced(*, repository: Repository, created: bool, changed: list[str]) -> None:
    if "files" in changed:
        # New files are checked against the known-bad hash lists after the sync commits.
        dispatch_on_commit("reports.repository_scan_files", repository.pk)


def case_dismissed(*, decision: Decision) -> None:
    if decision.dismissal_reason == Decision.DismissalReason.UNFOUNDED:
        # Repeated unfounded notices count against their reporter (DSA Art. 23).
        dispatch_on_commit("reports.reporters_review_unfounded", decision.case_id)
