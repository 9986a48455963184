"""Protected names (issue 22): a removed repository's name and a handle the hub brings back under
another person's hub_id are held for their former owner. The hub's sync is answered
"namespace": "reserved", nothing of it is kept, and one case opens however often it tries; a hub
admin's release is audited and lets the next sync through."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hub.models import Account, NameReservation, Repository
from hubmod.audit.models import AuditEvent
from moderation.models import Case
from reports.models import Report
from tests.conftest import api_for, hub_client
from tests.factories import RepositoryFactory, hub_admin, moderator
from tests.flows import committed, decide, file


def sync_account(handle: str, **body):
    return hub_client().put(f"/api/v1/hub/accounts/{handle}", body, format="json")


def sync_repository(full_name: str, **body):
    return hub_client().put(f"/api/v1/hub/repositories/{full_name}", {"kind": "model", **body}, format="json")


def removed(repository: Repository) -> None:
    case_id = file(repository, "other")["case_id"]
    with committed():
        answer = decide(api_for(moderator()), case_id, actions=["remove"], departure_reason="Withdrawn for good.")
    assert answer.status_code == 200, answer.content
    assert Repository.objects.get(pk=repository.pk).visibility == "removed"


def namespace_cases(**subject) -> list[Case]:
    return list(Case.objects.filter(reports__source=Report.Source.AUTOMATED, category="other", **subject).distinct())


@pytest.mark.django_db
def test_a_handle_back_under_another_hub_id_is_reserved_until_an_admin_releases_it(seeded):
    first = sync_account("alice", hub_id="u-1001", email="alice@example.org")
    taken = sync_account("alice", hub_id="u-2002", email="mallory@example.org")
    again = sync_account("alice", hub_id="u-2002", email="mallory@example.org")
    account = Account.objects.get(handle="alice")
    [reservation] = NameReservation.objects.filter(name="alice")

    assert first.status_code == 201
    assert first.json()["namespace"] == "free"
    assert (taken.status_code, taken.json()["namespace"]) == (200, "reserved")
    assert again.json()["namespace"] == "reserved"
    assert (account.hub_id, account.email) == ("u-1001", "alice@example.org")
    assert len(namespace_cases(account=account)) == 1
    assert Report.objects.filter(case__account=account).count() == 1

    admin = Client()
    admin.force_login(hub_admin())
    released = admin.post(f"/console/names/{reservation.pk}/release", {"reason": "alice closed her account in 2025."})
    after = sync_account("alice", hub_id="u-2002", email="mallory@example.org")

    assert released.status_code == 302
    assert after.json()["namespace"] == "free"
    assert Account.objects.get(handle="alice").hub_id == "u-2002"
    event = AuditEvent.objects.get(verb="name.released")
    assert event.data["reason"] == "alice closed her account in 2025."


@pytest.mark.django_db
def test_a_removed_repositorys_name_is_reserved_and_nothing_of_the_new_sync_is_kept(seeded, hub_receiver, settings):
    settings.NAME_RESERVATION_DAYS = 30
    repository = RepositoryFactory(owner__handle="acme", name="llama-tiny", card="the original card")
    removed(repository)

    first = sync_repository("acme/llama-tiny", card="someone else's card", revision="abcdef1")
    second = sync_repository("acme/llama-tiny", card="someone else's card", revision="abcdef2")
    kept = Repository.objects.get(pk=repository.pk)
    [reservation] = NameReservation.objects.filter(name="acme/llama-tiny")

    assert (first.status_code, first.json()["namespace"]) == (200, "reserved")
    assert second.json()["namespace"] == "reserved"
    assert (kept.card, kept.revision, kept.visibility) == ("the original card", repository.revision, "removed")
    assert len(namespace_cases(repository=repository)) == 1
    assert reservation.reason == "removed"
    assert timedelta(days=29) < reservation.reserved_until - timezone.now() <= timedelta(days=30)


@pytest.mark.django_db
def test_an_unreserved_name_and_the_same_person_sync_as_before(seeded):
    assert sync_account("bob", hub_id="u-7").json()["namespace"] == "free"
    assert sync_account("bob", hub_id="u-7", display_name="Bob").json()["namespace"] == "free"
    assert sync_account("bob", display_name="Bob B.").json()["namespace"] == "free"  # no hub_id: nothing to compare
    assert sync_repository("bob/model").json()["namespace"] == "free"
    assert not NameReservation.objects.exists()


@pytest.mark.django_db
def test_a_moderator_sees_the_names_but_only_a_hub_admin_releases_one(seeded):
    sync_account("carol", hub_id="u-1")
    sync_account("carol", hub_id="u-2")
    reservation = NameReservation.objects.get(name="carol")
    mod = Client()
    mod.force_login(moderator())
    admin = Client()
    admin.force_login(hub_admin())

    page = mod.get("/console/names/?name=car").content.decode()
    refused = mod.post(f"/console/names/{reservation.pk}/release", {"reason": "Because."})
    without_reason = admin.post(f"/console/names/{reservation.pk}/release", {"reason": "  "}, follow=True)

    assert "<code>carol</code>" in page
    assert "Release early" not in page
    assert refused.status_code == 302  # to sign in: a moderator may not release
    assert "Why the name may go to someone else: This field is required." in without_reason.content.decode()
    assert NameReservation.objects.get(pk=reservation.pk).released_at is None
    assert "Release early" in admin.get("/console/names/").content.decode()


@pytest.mark.django_db
def test_a_removal_reversed_on_appeal_gives_the_name_back(seeded, hub_receiver, mailoutbox):
    from tests.factories import AccountFactory, appeal_reviewer
    from tests.flows import appeal, appeal_decide, notice_token

    AccountFactory(handle="uploader", email="uploader@example.org")
    repository = RepositoryFactory(owner__handle="uploader", name="fine-model")
    removed(repository)
    decision_id = Case.objects.get(repository=repository).decisions.get().pk

    filed = appeal(decision_id, notice_token(mailoutbox))
    with committed():
        granted = appeal_decide(appeal_reviewer(), filed.json()["id"], "overturned")

    assert granted.status_code == 200, granted.content
    assert Repository.objects.get(pk=repository.pk).visibility == "listed"
    reservation = NameReservation.objects.get(name="uploader/fine-model")
    assert reservation.released_at is not None
    assert reservation.release_reason == "the remove was undone"
    assert sync_repository("uploader/fine-model", card="v2").json()["namespace"] == "free"
