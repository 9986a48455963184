"""A sync that brings a revision keeps a snapshot of its card and files (hub.RepositoryRevision),
and revision_diff tells what changed from a snapshot to the head (issue 21)."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hub.models import Repository, RepositoryRevision
from hub.selectors import DIFF_FILES_SHOWN, FileChange, FileEntry, revision_diff
from hub.services import FileRef, repository_sync
from hubmod.actors import SYSTEM

URL = "/api/v1/hub/repositories/acme/tiny"
R1, R2 = "0a1b2c3", "4d5e6f7"  # the hub names a revision by its commit sha


def file(path: str, digit: str, size: int = 10, url: str = "") -> dict:
    entry = {"path": path, "sha256": digit * 64, "size": size}
    return {**entry, "url": url} if url else entry


def sync(hub_api, **body) -> Repository:
    answer = hub_api.put(URL, {"kind": "model", **body}, format="json")
    assert answer.status_code in (200, 201), answer.content
    return Repository.objects.get(full_name="acme/tiny")


def snapshot(revision: str) -> RepositoryRevision:
    return RepositoryRevision.objects.get(repository__full_name="acme/tiny", revision=revision)


@pytest.mark.django_db
def test_a_sync_with_a_revision_keeps_its_card_and_files_sorted_and_without_urls(hub_api):
    sync(
        hub_api, revision=R1, card="# Tiny\n", files=[file("z.bin", "a", url="https://f.example/z"), file("a.md", "b")]
    )

    kept = snapshot(R1)
    assert kept.card == "# Tiny\n"
    assert kept.files == [
        {"path": "a.md", "sha256": "b" * 64, "size": 10},
        {"path": "z.bin", "sha256": "a" * 64, "size": 10},
    ]
    assert kept.synced_at is not None


@pytest.mark.django_db
def test_a_new_revision_gets_a_snapshot_of_its_own_and_the_old_one_stays_as_it_was(hub_api):
    sync(hub_api, revision=R1, card="one", files=[file("a.bin", "a")])
    sync(hub_api, revision=R2, card="two", files=[file("a.bin", "c")])

    assert (snapshot(R1).card, snapshot(R1).files[0]["sha256"]) == ("one", "a" * 64)
    assert (snapshot(R2).card, snapshot(R2).files[0]["sha256"]) == ("two", "c" * 64)


@pytest.mark.django_db
def test_a_sync_without_a_revision_keeps_the_current_revisions_snapshot_up_to_date(hub_api):
    sync(hub_api, revision=R1, card="one", files=[file("a.bin", "a")])
    sync(hub_api, card="one, corrected")
    sync(hub_api, files=[file("a.bin", "a"), file("b.bin", "b")])

    assert RepositoryRevision.objects.count() == 1
    assert snapshot(R1).card == "one, corrected"
    assert [f["path"] for f in snapshot(R1).files] == ["a.bin", "b.bin"]


@pytest.mark.django_db
def test_a_new_revision_that_comes_without_its_files_keeps_the_files_hubmod_holds(hub_api):
    sync(hub_api, revision=R1, card="one", files=[file("a.bin", "a")])
    sync(hub_api, revision=R2)

    assert snapshot(R2).files == snapshot(R1).files
    assert snapshot(R2).card == "one"


@pytest.mark.django_db
def test_a_revision_synced_again_has_its_snapshot_replaced(hub_api):
    sync(hub_api, revision=R1, card="one", files=[file("a.bin", "a")])
    sync(hub_api, revision=R2, card="two", files=[file("a.bin", "b")])
    sync(hub_api, revision=R1, card="one again", files=[file("a.bin", "c")])

    assert RepositoryRevision.objects.count() == 2
    assert (snapshot(R1).card, snapshot(R1).files[0]["sha256"]) == ("one again", "c" * 64)


@pytest.mark.django_db
def test_a_repository_without_a_revision_has_no_snapshot(hub_api):
    sync(hub_api, card="no revision named", files=[file("a.bin", "a")])

    assert not RepositoryRevision.objects.exists()


@pytest.mark.django_db
def test_a_sync_writes_its_snapshot_in_one_statement_and_a_sync_that_changes_nothing_in_none(seeded):
    files = [FileRef(path=f"f{i}.bin", sha256=f"{i:064x}", size=i) for i in range(30)]

    def snapshot_writes(**fields) -> int:
        with CaptureQueriesContext(connection) as captured:
            repository_sync(actor=SYSTEM, owner="acme", name="tiny", kind="model", **fields)
        return sum("hub_repositoryrevision" in (q["sql"] or "") for q in captured)

    assert snapshot_writes(revision=R1, card="one", files=files) == 1
    assert snapshot_writes(revision=R2, card="two", files=files) == 1
    assert snapshot_writes(card="two, corrected") == 1
    assert snapshot_writes(revision=R2, card="two, corrected", license_key="mit") == 0


@pytest.mark.django_db
def test_the_diff_lists_files_added_removed_and_changed_by_digest_and_the_cards_lines(hub_api):
    sync(
        hub_api, revision=R1, card="# Tiny\nSafe.\n", files=[file("a.bin", "a"), file("b.bin", "b"), file("c.md", "c")]
    )
    repository = sync(
        hub_api,
        revision=R2,
        card="# Tiny\nNow with a loader.\n",
        files=[file("a.bin", "a"), file("b.bin", "9", size=99), file("loader.py", "d")],
    )

    diff = revision_diff(repository, R1)

    assert diff is not None
    assert (diff.from_revision, diff.to_revision) == (R1, R2)
    assert diff.added == [FileEntry("loader.py", "d" * 64, 10)]
    assert diff.removed == [FileEntry("c.md", "c" * 64, 10)]
    assert diff.changed == [FileChange("b.bin", FileEntry("b.bin", "b" * 64, 10), FileEntry("b.bin", "9" * 64, 99))]
    assert diff.files_total == 3
    assert diff.from_card == "# Tiny\nSafe.\n"
    assert diff.card_changed
    assert diff.card_diff == [
        f"--- card at {R1}",
        f"+++ card at {R2}",
        "@@ -1,2 +1,2 @@",
        " # Tiny",
        "-Safe.",
        "+Now with a loader.",
    ]
    assert not diff.same


@pytest.mark.django_db
def test_the_diff_is_none_for_a_revision_hubmod_never_saw_and_empty_for_the_head(hub_api):
    repository = sync(hub_api, revision=R1, card="one", files=[file("a.bin", "a")])

    assert revision_diff(repository, "feedface") is None
    same = revision_diff(repository, R1)
    assert same is not None
    assert same.same
    assert (same.added, same.removed, same.changed, same.card_diff) == ([], [], [], [])


@pytest.mark.django_db
def test_a_revision_named_by_the_start_of_its_sha_is_found_unless_two_share_it(hub_api):
    long_one, long_two = "0a1b2c3" + "d" * 33, "0a1b2c3" + "e" * 33
    sync(hub_api, revision=long_one, card="one", files=[file("a.bin", "a")])
    repository = sync(hub_api, revision=R2, card="two", files=[file("a.bin", "b")])

    found = revision_diff(repository, "0a1b2c3")
    sync(hub_api, revision=long_two, card="three")
    repository = sync(hub_api, revision=R2, card="two")

    assert found is not None
    assert (found.from_revision, found.from_card) == (long_one, "one")
    assert revision_diff(repository, "0a1b2c3") is None
    assert revision_diff(repository, long_two) is not None


@pytest.mark.django_db
def test_a_head_without_a_snapshot_of_its_own_is_compared_by_the_files_hubmod_holds(hub_api):
    sync(hub_api, revision=R1, card="one", files=[file("a.bin", "a")])
    repository = sync(hub_api, revision=R2, card="two", files=[file("a.bin", "a"), file("b.bin", "b")])
    snapshot(R2).delete()

    diff = revision_diff(repository, R1)

    assert diff is not None
    assert [f.path for f in diff.added] == ["b.bin"]
    assert diff.card_changed


@pytest.mark.django_db
def test_a_diff_of_many_files_shows_the_first_and_counts_the_rest(hub_api):
    sync(hub_api, revision=R1, files=[])
    many = [{"path": f"shard-{i:04}.bin", "sha256": f"{i:064x}", "size": 1} for i in range(DIFF_FILES_SHOWN + 25)]
    repository = sync(hub_api, revision=R2, files=many)

    diff = revision_diff(repository, R1)

    assert diff is not None
    assert len(diff.added) == DIFF_FILES_SHOWN
    assert diff.added[0].path == "shard-0000.bin"
    assert (diff.files_total, diff.files_not_shown) == (DIFF_FILES_SHOWN + 25, 25)


@pytest.mark.django_db
def test_the_migration_snapshots_each_repositorys_current_revision_once(hub_api):
    sync(hub_api, revision=R1, card="one", files=[file("b.bin", "b"), file("a.bin", "a")])
    hub_api.put("/api/v1/hub/repositories/acme/unversioned", {"kind": "model", "card": "x"}, format="json")
    RepositoryRevision.objects.all().delete()  # as before the migration
    migration = importlib.import_module("hub.migrations.0005_repository_revision")

    migration.snapshot_current_revisions(apps, connection.schema_editor())
    migration.snapshot_current_revisions(apps, connection.schema_editor())  # again: nothing doubles

    assert list(RepositoryRevision.objects.values_list("repository__full_name", "revision", "card")) == [
        ("acme/tiny", R1, "one")
    ]
    assert [f["path"] for f in snapshot(R1).files] == ["a.bin", "b.bin"]


@pytest.mark.django_db
def test_a_kept_diff_gives_way_to_the_new_one_when_a_sync_rewrites_the_head(hub_api):
    """The diff is kept in the cache under the snapshots' sync times: a sync that changes the head's
    files or card in place shows at once."""
    sync(hub_api, revision=R1, card="one", files=[file("a.bin", "a")])
    repository = sync(hub_api, revision=R2, card="two", files=[file("a.bin", "c")])
    first = revision_diff(repository, R1)
    again = revision_diff(repository, R1)

    repository = sync(hub_api, revision=R2, card="two, edited", files=[file("a.bin", "c"), file("new.bin", "d")])
    rewritten = revision_diff(repository, R1)

    assert again == first
    assert [f.path for f in first.added] == []
    assert [f.path for f in rewritten.added] == ["new.bin"]
    assert any("two, edited" in line for line in rewritten.card_diff)
