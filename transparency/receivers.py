"""What transparency does when a lower layer's hook fires (hubmod.hooks); registered in transparency.apps."""

from moderation.models import Decision
from transparency.rollups import transparency_day_mark_stale


def decision_changed(*, decision: Decision) -> None:
    # In the write's transaction: the day is counted live until beat rolls it up again.
    transparency_day_mark_stale(at=decision.created_at)
