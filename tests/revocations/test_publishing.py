"""The feed publishes what the hub has acknowledged, through the real enforcement path (the stand-in
hub verifies every webhook): a takedown becomes an entry, its reversal a lift, and nothing else."""

import threading
from datetime import UTC

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from hub.models import Repository
from moderation.models import EnforcementAction
from revocations.rules import PUBLISHES_NOTHING, SEVERITY_OF_KIND
from revocations.services import revocations_publish
from tests.conftest import api_for, hub_client
from tests.factories import AccountFactory, RepositoryFactory, appeal_reviewer, moderator
from tests.flows import appeal, appeal_decide, committed, decide, file, notice_token, post_report
from tests.revocations.arrange import delivered, feed_entries


def test_every_kind_of_action_either_publishes_with_a_severity_or_is_said_to_publish_nothing():
    kinds = set(EnforcementAction.Kind.values)

    assert set(SEVERITY_OF_KIND) | PUBLISHES_NOTHING == kinds
    assert set(SEVERITY_OF_KIND) & PUBLISHES_NOTHING == set()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "severity"),
    [("quarantine", "hard"), ("disable", "hard"), ("remove", "hard"), ("remove_files", "hard"),
     ("delist", "soft"), ("label", "soft"), ("warn", None), ("gate", None), ("restrict_account", None),
     ("suspend_account", None)],
)  # fmt: skip
def test_an_applied_action_publishes_the_entry_its_kind_calls_for(seeded, hub_receiver, kind, severity):
    repo = RepositoryFactory(revision="c0ffee")

    action = delivered(kind, repository=repo)

    assert action.state == "applied"
    entries = feed_entries()
    if severity is None:
        assert entries == []
        return
    [entry] = entries
    assert {k: v for k, v in entry.items() if k != "sig"} == {
        "seq": 1,
        "action": kind,
        "repository": repo.full_name,
        "revision": "c0ffee",
        "severity": severity,
        "reason": "malicious_code",
        "statement_url": entry["statement_url"],
        "revoked_at": action.applied_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    # The decision's public statement: never the uploader's notice, whose token is their appeal credential.
    assert (
        entry["statement_url"] == f"{settings.BASE_URL}/transparency/statements/hubmod-decision-{action.decision_id}/"
    )


@pytest.mark.django_db
def test_the_entry_names_the_reported_revision_else_the_head_else_none(seeded, hub_receiver):
    reported = RepositoryFactory(revision="head1")
    headed = RepositoryFactory(revision="head2")
    bare = RepositoryFactory(revision="")

    delivered("disable", repository=reported, revision="old1")
    delivered("disable", repository=headed)
    delivered("disable", repository=bare)

    entries = feed_entries()
    assert [(e["repository"], e.get("revision")) for e in entries] == [
        (reported.full_name, "old1"),
        (headed.full_name, "head2"),
        (bare.full_name, None),
    ]
    assert [e["seq"] for e in entries] == [1, 2, 3]


@pytest.mark.django_db
def test_removing_reported_files_publishes_each_files_digest(seeded, hub_receiver):
    hub = hub_client()
    # The malicious_code sample report names model.pkl and its digest, b...b (tests/reports/samples.py).
    files = [{"path": "model.pkl", "sha256": "b" * 64, "size": 1}, {"path": "ok.bin", "sha256": "c" * 64, "size": 1}]
    synced = hub.put("/api/v1/hub/repositories/alice/tiny", {"kind": "model", "revision": "0a1b2c3", "files": files},
                     format="json")  # fmt: skip
    assert synced.status_code == 201, synced.content
    repo = Repository.objects.get(full_name="alice/tiny")
    mod = api_for(moderator())
    with committed():
        case_id = post_report(repo, "malicious_code", path="model.pkl").json()["case_id"]
    with committed():
        decided = decide(mod, case_id, actions=["remove_files"], departure_reason="Only the pickle.")

    assert decided.status_code == 200, decided.content
    [entry] = feed_entries()
    assert (entry["sha256"], entry["severity"], entry["action"]) == ("b" * 64, "hard", "remove_files")
    assert (entry["repository"], entry["revision"]) == ("alice/tiny", "0a1b2c3")


@pytest.mark.django_db
def test_an_overturned_appeal_lifts_the_entry_with_a_new_seq_and_the_original_revocation_time(
    seeded, hub_receiver, mailoutbox
):
    AccountFactory(handle="uploader", email="uploader@example.org")
    repo = RepositoryFactory(owner__handle="uploader", name="demo", revision="abc")
    with committed():
        decision = decide(api_for(moderator()), file(repo)["case_id"], departure_reason="Test.").json()["decision"]
    [revoked] = feed_entries()
    with committed():
        filed = appeal(decision["id"], notice_token(mailoutbox)).json()
    with committed():
        appeal_decide(appeal_reviewer(), filed["id"], "overturned")

    [lift] = feed_entries(cursor="1")
    reversal = EnforcementAction.objects.get(reverses__isnull=False)
    assert reversal.state == "applied"
    assert lift["seq"] == 2
    assert lift["lifts"] == 1
    assert lift["lifted_at"] == reversal.applied_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    same = ("repository", "revision", "severity", "reason", "statement_url", "revoked_at", "action")
    assert {k: lift[k] for k in same} == {k: revoked[k] for k in same}
    assert feed_entries()[0] == revoked  # the revocation itself is never changed


@pytest.mark.django_db
def test_a_reversal_lifts_only_what_its_action_published(seeded, hub_receiver):
    repo = RepositoryFactory(revision="abc")
    delist = delivered("delist", repository=repo)
    label = delivered("label", repository=repo)

    delivered("delist", repository=repo, reverses=delist)

    entries = feed_entries()
    assert [(e["seq"], e["action"], e.get("lifts")) for e in entries] == [(1, "delist", None), (2, "label", None),
                                                                           (3, "delist", 1)]  # fmt: skip
    assert EnforcementAction.objects.get(pk=label.pk).state == "applied"


@pytest.mark.django_db
def test_a_rollback_revokes_each_revision_published_since_the_compromise(seeded, hub_receiver):
    hub = hub_client()

    def sync(revision: str) -> None:
        answer = hub.put("/api/v1/hub/repositories/victim/tiny", {"kind": "model", "revision": revision}, format="json")
        assert answer.status_code in (200, 201), answer.content

    sync("1111111")
    compromised_since = timezone.now()
    sync("2222222")
    sync("3333333")
    repo = Repository.objects.get(full_name="victim/tiny")
    with committed():
        case_id = file(repo)["case_id"]
    with committed():
        decided = decide(api_for(moderator()), case_id, actions=["rollback"], intent="compromised",
                         compromised_since=compromised_since.isoformat(), departure_reason="Compromised.")  # fmt: skip

    assert decided.status_code == 200, decided.content
    assert EnforcementAction.objects.get(kind="rollback").rollback_to == "1111111"
    assert [(e["revision"], e["severity"], e["action"]) for e in feed_entries()] == [
        ("2222222", "hard", "rollback"),
        ("3333333", "hard", "rollback"),
    ]


@pytest.mark.django_db(transaction=True)
def test_concurrent_publishers_take_seqs_without_a_gap_or_a_repeat(seeded, hub_receiver):
    actions = [delivered(kind, repository=RepositoryFactory(revision="abc")) for kind in ("disable", "delist")]
    start = threading.Barrier(6)
    failures = []

    def publish(action) -> None:
        try:
            start.wait(timeout=10)
            with transaction.atomic():
                revocations_publish(actions=[action])  # the same action again: new entries, new seqs
        except Exception as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(actions[n % 2],)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    seqs = [e["seq"] for e in feed_entries()]
    assert seqs == list(range(1, 9))
