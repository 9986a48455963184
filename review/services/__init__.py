"""Every write of proactive review. `repository_synced` is the hub catalogue's sync hook."""

from hub.models import Repository
from review.services.documentation import card_assess
from review.services.prepublication import prepublication_route


def repository_synced(*, repository: Repository, created: bool, changed: list[str]) -> None:
    """Score the card and route the repository to review; runs in the sync's transaction."""
    if created or {"card", "kind", "license_key", "revision"} & set(changed):
        card_assess(repository=repository)
    if created or {"revision", "capability_tags", "review_requested"} & set(changed):
        prepublication_route(repository=repository, created=created)
