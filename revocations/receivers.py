"""What the feed does when a lower layer's hook fires (hubmod.hooks); registered in revocations.apps."""

from moderation.models import EnforcementAction
from revocations.services import revocations_publish


def enforcement_applied(*, actions: list[EnforcementAction]) -> None:
    revocations_publish(actions=actions)
