"""What scanning does when a lower layer's hook fires (hubmod.hooks); registered in scanning.apps."""

from hub.models import Repository
from scanning.services import scans_request


def repository_synced(*, repository: Repository, created: bool, changed: list[str]) -> None:
    if created or "files" in changed:
        scans_request(repository=repository)
