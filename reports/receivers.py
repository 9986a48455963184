"""What intake does when a lower layer's hook fires (hubmod.hooks); registered in reports.apps."""

from hub.models import Account, NameReservation, Repository
from hubmod.tasks import dispatch_on_commit
from moderation.models import Decision
from reports.services import namespace_report_file


def repository_synced(*, repository: Repository, created: bool, changed: list[str]) -> None:
    if "files" in changed:
        # New files are checked against the known-bad hash lists after the sync commits.
        dispatch_on_commit("reports.repository_scan_files", repository.pk)


def case_dismissed(*, decision: Decision) -> None:
    if decision.dismissal_reason == Decision.DismissalReason.UNFOUNDED:
        # Repeated unfounded notices count against their reporter (DSA Art. 23).
        dispatch_on_commit("reports.reporters_review_unfounded", decision.case_id)


def namespace_reserved(*, subject: Repository | Account, reservation: NameReservation, attempted: str) -> None:
    namespace_report_file(subject=subject, reservation=reservation, attempted=attempted)
