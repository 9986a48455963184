"""Quarantine (issue 22) as the outcome of an appeal: a removal is lessened to a quarantine, so the
repository comes back from removed and stays unreachable, with its evidence, until lifted."""

import pytest

from hub.models import Repository
from moderation.models import Case
from moderation.selectors import notice_token_for
from tests.conftest import api_for
from tests.factories import AccountFactory, RepositoryFactory, appeal_reviewer, moderator
from tests.flows import appeal, appeal_decide, committed, decide, file


@pytest.mark.django_db
def test_an_appeal_may_turn_a_removal_into_a_quarantine_but_not_a_delisting_into_one(seeded, hub_receiver):
    AccountFactory(handle="uploader", email="uploader@example.org")
    removed = RepositoryFactory(owner__handle="uploader", name="removed")
    delisted = RepositoryFactory(owner__handle="uploader", name="delisted")
    with committed():
        decide(
            api_for(moderator()), file(removed, "malicious_code")["case_id"], actions=["remove"], departure_reason="x"
        )
    removal = Case.objects.get(repository=removed).decisions.get()
    with committed():
        decide(api_for(moderator()), file(delisted, "other")["case_id"], actions=["delist"], departure_reason="x")
    delisting = Case.objects.get(repository=delisted).decisions.get()

    lessened = appeal(removal.pk, notice_token_for(removal))
    with committed():
        modified = appeal_decide(appeal_reviewer(), lessened.json()["id"], "modified", actions=["quarantine"])
    heavier = appeal(delisting.pk, notice_token_for(delisting))
    refused = appeal_decide(appeal_reviewer(), heavier.json()["id"], "modified", actions=["quarantine"])

    assert modified.status_code == 200, modified.content
    assert Repository.objects.get(pk=removed.pk).visibility == "quarantined"
    assert refused.status_code == 400
    assert "not lighter than what was decided" in refused.json()["errors"]["actions"][0]
