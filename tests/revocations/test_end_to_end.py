"""The verifier, as a mirror runs it from a shell, against the live server: a snapshot over several
pages, the exit codes of `check`, an incremental update after a lift, and refusals it must make."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from revocations.keys import signing_key
from tests.factories import RepositoryFactory
from tests.revocations.arrange import delivered
from tests.revocations.pages import OTHER_SEED, key_for

ROOT = Path(__file__).resolve().parents[2]
NOT_REVOKED, SOFT, HARD, UNVERIFIED, UNREADABLE = 0, 1, 2, 3, 4


def verifier(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run([sys.executable, "-m", "revocation_verifier", *args], env=env, capture_output=True,
                          text=True, timeout=60)  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_a_mirror_syncs_checks_and_follows_a_lift_from_the_live_server(seeded, hub_receiver, live_server, settings,
                                                                       tmp_path):  # fmt: skip
    settings.REVOCATION_PAGE_SIZE = 2  # the snapshot comes in pages
    feed_url = f"{live_server.url}/api/v1/revocations"
    public_key = signing_key().public_b64
    store = str(tmp_path / "copy.json")
    quarantined = RepositoryFactory(revision="0a1b2c3")
    labelled = RepositoryFactory(revision="4d5e6f7")
    quarantine = delivered("quarantine", repository=quarantined)
    delivered("label", repository=labelled)
    delivered("disable", repository=RepositoryFactory(revision="89abcde"))

    synced = verifier("sync", "--feed", feed_url, "--public-key", public_key, "--store", store)
    hard = verifier("check", "--store", store, "--repository", quarantined.full_name, "--revision", "0a1b2c3")
    soft = verifier("check", "--store", store, "--repository", labelled.full_name)
    other_revision = verifier("check", "--store", store, "--repository", quarantined.full_name, "--revision", "ffff")
    delivered("quarantine", repository=quarantined, reverses=quarantine)
    again = verifier("sync", "--feed", feed_url, "--public-key", public_key, "--store", store)
    lifted = verifier("check", "--store", store, "--repository", quarantined.full_name, "--revision", "0a1b2c3")

    assert (synced.returncode, json.loads(synced.stdout)["last_seq"]) == (0, 3), synced.stderr
    assert hard.returncode == HARD
    assert json.loads(hard.stdout) | {"statement_url": "-", "revoked_at": "-"} == {
        "revoked": True, "severity": "hard", "reason": "malicious_code", "statement_url": "-", "revoked_at": "-",
        "repository": quarantined.full_name, "revision": "0a1b2c3", "sha256": None, "seq": 1, "action": "quarantine",
    }  # fmt: skip
    assert soft.returncode == SOFT
    assert other_revision.returncode == NOT_REVOKED
    assert json.loads(again.stdout)["added"] == 1  # the lift alone: incremental
    assert (lifted.returncode, json.loads(lifted.stdout)) == (NOT_REVOKED, {"revoked": False})


@pytest.mark.django_db(transaction=True)
def test_the_verifier_refuses_a_feed_signed_by_a_key_it_did_not_pin_and_keeps_nothing(
    seeded, hub_receiver, live_server, tmp_path
):
    delivered("disable", repository=RepositoryFactory(revision="0a1b2c3"))
    store = tmp_path / "copy.json"

    refused = verifier("sync", "--feed", f"{live_server.url}/api/v1/revocations", "--public-key",
                       key_for(OTHER_SEED).public_b64, "--store", str(store))  # fmt: skip
    unreachable = verifier("sync", "--feed", "http://127.0.0.1:9/api/v1/revocations", "--public-key",
                           key_for(OTHER_SEED).public_b64, "--store", str(tmp_path / "other.json"))  # fmt: skip

    assert refused.returncode == UNVERIFIED
    assert "which is not pinned" in refused.stderr
    assert json.loads(store.read_text())["entries"] == []
    assert unreachable.returncode == UNREADABLE
