"""The verifier takes a page only if every byte of it is what the pinned key signed, and its seqs
continue the local copy's exactly; what it took answers look-ups, lifts included."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from revocation_verifier import Store, VerificationError
from revocation_verifier.format import page_check, pinned
from tests.revocations.pages import OTHER_SEED, entry_fields, key_for, page

ROOT = Path(__file__).resolve().parents[2]
KEYS = pinned([key_for().public_b64])


def small_page() -> bytes:
    return page(0, [entry_fields(1), entry_fields(2, sha256="ab" * 32, action="remove_files")])


def test_a_valid_page_verifies():
    checked = page_check(small_page(), keys=KEYS, after=0)

    assert [e["seq"] for e in checked["entries"]] == [1, 2]


def test_one_flipped_byte_anywhere_in_a_page_fails_verification():
    body = small_page()
    passed = []
    for position in range(len(body)):
        for flip in (0x01, 0x80):
            spoiled = bytearray(body)
            spoiled[position] ^= flip
            try:
                page_check(bytes(spoiled), keys=KEYS, after=0)
            except VerificationError:
                continue
            passed.append((position, flip))

    assert len(body) > 700
    assert passed == []


def test_a_reused_seq_fails():
    store = Store(Path("unused"), [], None)
    store.extend(page_check(page(0, [entry_fields(1), entry_fields(2)]), keys=KEYS, after=0)["entries"],
                 key_id=key_for().key_id)  # fmt: skip

    # A page that claims to follow seq 2 but starts again at 2.
    with pytest.raises(VerificationError, match="seq 2 is used again"):
        page_check(page(2, [entry_fields(2), entry_fields(3)]), keys=KEYS, after=2)
    # Two entries with one seq within a page.
    with pytest.raises(VerificationError, match="seq 3 is used again"):
        page_check(page(2, [entry_fields(3), entry_fields(3)]), keys=KEYS, after=2)


def test_a_skipped_seq_fails():
    with pytest.raises(VerificationError, match="seq 3 is skipped"):
        page_check(page(2, [entry_fields(4)]), keys=KEYS, after=2)
    with pytest.raises(VerificationError, match="seq 2 is skipped"):
        page_check(page(0, [entry_fields(1), entry_fields(3)]), keys=KEYS, after=0)


def test_a_page_for_another_cursor_fails():
    with pytest.raises(VerificationError, match="asked for the entries after seq 5"):
        page_check(page(0, [entry_fields(1)]), keys=KEYS, after=5)


def test_an_entry_signed_by_another_key_fails_though_the_page_is_signed_by_the_pinned_one():
    body = page(0, [entry_fields(1), entry_fields(2)], entry_key=key_for(OTHER_SEED))

    with pytest.raises(VerificationError, match="entry 1: the signature does not verify"):
        page_check(body, keys=KEYS, after=0)


def test_a_page_signed_by_a_key_not_pinned_fails_and_says_how_to_rotate():
    other = key_for(OTHER_SEED)

    with pytest.raises(VerificationError, match="not pinned") as refused:
        page_check(page(0, [entry_fields(1)], key=other), keys=KEYS, after=0)
    assert "by a channel other than this feed" in str(refused.value)
    # Pinning both keys, as during a rotation, takes it.
    both = pinned([key_for().public_b64, other.public_b64])
    assert page_check(page(0, [entry_fields(1)], key=other), keys=both, after=0)["key_id"] == other.key_id


def test_bytes_that_are_not_canonical_fail_though_their_json_is_the_same():
    body = small_page()
    spaced = body.replace(b'{"after":0,', b'{"after": 0,')
    reordered = json.dumps(json.loads(body)).encode()

    for spoiled in (spaced, reordered, body + b"\n"):
        with pytest.raises(VerificationError, match="canonical"):
            page_check(spoiled, keys=KEYS, after=0)


def test_an_incremental_update_after_a_lift_stops_answering_revoked(tmp_path):
    store = Store.open(tmp_path / "copy.json")
    first = page_check(page(0, [entry_fields(1), entry_fields(2, sha256="ab" * 32)]), keys=KEYS, after=0)
    store.extend(first["entries"], key_id=first["key_id"])
    store.save()
    revoked_before = store.revoked(repository="alice/tiny", revision="0a1b2c3")

    reopened = Store.open(tmp_path / "copy.json")
    lift = page_check(page(2, [entry_fields(3, lifts=1)]), keys=KEYS, after=2)
    reopened.extend(lift["entries"], key_id=lift["key_id"])

    assert (revoked_before.severity, revoked_before.seq) == ("hard", 1)
    assert reopened.last_seq == 3
    assert reopened.revoked(repository="alice/tiny", revision="0a1b2c3") is None
    assert reopened.revoked(repository="alice/tiny") is None
    assert reopened.revoked(sha256="ab" * 32).seq == 2  # the file's own entry still stands


def test_a_lift_of_something_never_revoked_fails():
    store = Store(Path("unused"), [], None)
    checked = page_check(page(0, [entry_fields(1), entry_fields(2, lifts=1, repository="bob/other")]), keys=KEYS,
                         after=0)  # fmt: skip

    with pytest.raises(VerificationError, match="lifts seq 1"):
        store.extend(checked["entries"], key_id=checked["key_id"])


def test_look_ups_answer_the_revision_the_whole_repository_and_the_gravest():
    entries = [
        entry_fields(1, severity="soft", action="label", revision="r1"),
        entry_fields(2, revision="r2"),
        entry_fields(3, severity="soft", action="delist", repository="bob/whole"),
    ]
    del entries[2]["revision"]
    store = Store(Path("unused"), [], None)
    store.extend(page_check(page(0, entries), keys=KEYS, after=0)["entries"], key_id="x")

    assert store.revoked(repository="alice/tiny", revision="r1").severity == "soft"
    assert store.revoked(repository="alice/tiny", revision="r2").severity == "hard"
    assert store.revoked(repository="alice/tiny", revision="r3") is None
    assert store.revoked(repository="alice/tiny").seq == 2  # any revision: the gravest
    assert store.revoked(repository="bob/whole", revision="anything").seq == 3
    assert store.revoked(repository="carol/none") is None
    assert store.revoked(sha256="00" * 32) is None


def test_the_verifier_imports_nothing_of_django_or_hubmod(tmp_path):
    # Django, DRF and this project's apps made unimportable: the verifier must not notice.
    (tmp_path / "sitecustomize.py").write_text(
        textwrap.dedent(
            """
            import sys
            class Refuse:
                def find_spec(self, name, path=None, target=None):
                    top = name.partition(".")[0]
                    if top in {"django", "rest_framework", "hubmod", "revocations", "moderation", "hub"}:
                        raise ImportError(f"{name} is not importable here")
            sys.meta_path.insert(0, Refuse())
            """
        )
    )
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    code = "import revocation_verifier.__main__; print('verifier imported'); import django"
    imported = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True)
    help_text = subprocess.run([sys.executable, "-m", "revocation_verifier", "--help"], env=env, cwd=tmp_path,
                               capture_output=True, text=True)  # fmt: skip

    assert imported.stdout == "verifier imported\n"
    assert "ImportError: django is not importable here" in imported.stderr  # the blocker works
    assert help_text.returncode == 0
    assert "sync" in help_text.stdout


def test_lifting_the_whole_repositorys_revocation_leaves_a_revisions_own():
    whole = entry_fields(1, action="disable")
    del whole["revision"]
    entries = [whole, entry_fields(2, severity="soft", action="label", revision="r1")]
    lift = entry_fields(3, lifts=1, action="disable")
    del lift["revision"]
    store = Store(Path("unused"), [], None)
    store.extend(page_check(page(0, entries), keys=KEYS, after=0)["entries"], key_id="x")
    before = (store.revoked_repository("alice/tiny", "r1").seq, store.revoked_repository("alice/tiny", "r2").seq)

    store.extend(page_check(page(2, [lift]), keys=KEYS, after=2)["entries"], key_id="x")

    assert before == (1, 1)  # the whole repository's hard revocation is the graver, at any revision
    assert store.revoked_repository("alice/tiny", "r1").seq == 2
    assert store.revoked_repository("alice/tiny", "r2") is None
    assert store.revoked(repository="alice/tiny").seq == 2
