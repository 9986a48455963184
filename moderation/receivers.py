"""What moderation does when a lower layer's hook fires (hubmod.hooks); registered in moderation.apps."""

from hub.models import Repository
from hubmod.tasks import dispatch_on_commit


def repository_synced(*, repository: Repository, created: bool, changed: list[str]) -> None:
    if not created and {"revision", "files"} & set(changed):
        # A new revision may remove reported files within a remediation window.
        dispatch_on_commit("moderation.remediation_check", repository.pk)
