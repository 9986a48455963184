"""What proactive review does when a lower layer's hook fires (hubmod.hooks); registered in review.apps."""

from hubmod.tasks import dispatch_on_commit
from moderation.models import Case


def case_opened(*, case: Case) -> None:
    if case.repository is not None and case.repository.release_stage:
        # A severe case halts a staged release.
        dispatch_on_commit("review.release_case_opened", case.pk)
