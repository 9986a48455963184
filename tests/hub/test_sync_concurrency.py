"""Eight repositories of one owner synced at the same instant, each carrying a file on a known-bad
hash list with automated actions: every sync is answered 2xx, never a deadlock's 503, and each
repository ends with exactly one automated report, one case and one automated decision."""

import threading

import pytest
from django.db import connection, connections

from moderation.models import Case, Decision, Strike
from reports.models import HashList, KnownHash, Report
from tests.conftest import hub_client

pytestmark = pytest.mark.postgres
SYNCS = 8
BAD = "d" * 64


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("owner_known", [False, True], ids=["new-owner", "known-owner"])
def test_parallel_syncs_of_one_owner_matching_a_hash_list_all_succeed(seeded, hub_receiver, settings, owner_known):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writers, so there is no lock order to test")
    settings.AUTOMATION_MAX_PER_HOUR = 1000
    hash_list = HashList.objects.create(
        name="pickle payloads", category="malicious_code", note="Reverse-shell pickles.", auto_actions=["disable"]
    )
    KnownHash.objects.create(hash_list=hash_list, sha256=BAD)
    if owner_known:
        assert hub_client().put("/api/v1/hub/accounts/acme", {}, format="json").status_code == 201
    clients = [hub_client() for _ in range(SYNCS)]
    barrier = threading.Barrier(SYNCS)
    answers: dict[int, int] = {}

    def sync(n: int) -> None:
        barrier.wait()
        try:
            body = {
                "kind": "model",
                "revision": f"abc{n:04d}",
                "files": [{"path": "model.pkl", "sha256": BAD, "size": 1}, {"path": "README.md", "sha256": "e" * 64,
                                                                           "size": 1}],
            }  # fmt: skip
            answers[n] = clients[n].put(f"/api/v1/hub/repositories/acme/model-{n}", body, format="json").status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sync, args=(n,)) for n in range(SYNCS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert answers == {n: 201 for n in range(SYNCS)}
    for n in range(SYNCS):
        reports = Report.objects.filter(subject_ref=f"acme/model-{n}")
        assert [(r.source, r.path, r.file_sha256) for r in reports] == [("automated", "model.pkl", BAD)]
        assert Case.objects.filter(repository__full_name=f"acme/model-{n}").count() == 1
        assert (
            Decision.objects.filter(case__repository__full_name=f"acme/model-{n}", automated_decision=True).count() == 1
        )
    assert Strike.objects.filter(account__handle="acme").count() == SYNCS
