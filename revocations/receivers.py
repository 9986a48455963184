"""What the feed does when a lower layer's hook fires (hubmod.hooks); registered in revocations.apps."""

from moderation.models import EnforcementAction
from revocations.services import revocations_publish


def enforcement_applied(*, action: EnforcementAction) -> None:
    revocations_publish(action=action)
