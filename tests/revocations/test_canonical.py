"""The canonical form, rebuilt here independently of the code that signs it: a minimal RFC 8785
serialiser of the value types the feed uses, checked byte for byte against what the server serves,
and the worked example of docs/revocation-feed.md, checked against the server's own bytes."""

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from rest_framework.test import APIClient

from revocation_verifier.format import page_check, pinned
from tests.factories import RepositoryFactory
from tests.revocations.arrange import delivered
from tests.revocations.pages import TEST_SEED

DOC = Path(__file__).resolve().parents[2] / "docs" / "revocation-feed.md"
# RFC 8785 §3.2.2.2: these five have two-character escapes; other controls are \u00xx, lower case.
_SHORT_ESCAPES = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\"}


def _string(text: str) -> str:
    out = ['"']
    for char in text:
        code = ord(char)
        if code in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[code])
        elif code < 0x20:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)  # everything else as itself, in UTF-8 (no \\u escapes, "/" unescaped)
    out.append('"')
    return "".join(out)


def _utf16_units(key: str) -> list[int]:
    encoded = key.encode("utf-16-be")
    return [int.from_bytes(encoded[i : i + 2], "big") for i in range(0, len(encoded), 2)]


def canonical(value: Any) -> bytes:
    """RFC 8785 §3.2 for null, booleans, integers within ±(2**53 - 1), strings, arrays and objects
    (the feed has no fractions): members sorted by their names' UTF-16 code units (§3.2.3), no
    whitespace, integers as ECMAScript writes them, which for a safe integer is its decimal digits."""

    def write(item: Any) -> str:
        if item is None:
            return "null"
        if item is True:
            return "true"
        if item is False:
            return "false"
        if isinstance(item, int):
            assert -(2**53) < item < 2**53
            return str(item)
        if isinstance(item, str):
            return _string(item)
        if isinstance(item, list):
            return "[" + ",".join(write(element) for element in item) + "]"
        if isinstance(item, dict):
            members = sorted(item.items(), key=lambda member: _utf16_units(member[0]))
            return "{" + ",".join(_string(name) + ":" + write(element) for name, element in members) + "}"
        raise TypeError(f"the feed has no {type(item).__name__}")

    return write(value).encode("utf-8")


def test_the_independent_serialiser_agrees_with_rfc8785_on_awkward_strings_and_keys():
    value = {
        "é": 1, "e": [None, True, False, -(2**53) + 1], "\U0001f600": "x", "\ufb33": "y",
        "s": "quote \" slash / back \\ tab \t nl \n cr \r ff \f bs \b nul \x00 us \x1f del \x7f é 😀 \u2028",
    }  # fmt: skip

    assert canonical(value) == rfc8785.dumps(value)


@pytest.mark.django_db
def test_the_served_page_is_byte_for_byte_the_canonical_form_of_its_json(seeded, hub_receiver):
    for kind in ("quarantine", "label", "remove_files"):
        delivered(kind, repository=RepositoryFactory(revision="0a1b2c3"))
    delivered("quarantine", repository=RepositoryFactory(revision=""))

    served = APIClient().get("/api/v1/revocations").content
    value = json.loads(served)

    assert len(value["entries"]) == 4
    assert canonical(value) == served
    for entry in value["entries"]:
        signed = canonical({k: v for k, v in entry.items() if k != "sig"})
        assert (
            served.count(
                signed.replace(b',"statement_url"', b',"sig":"' + entry["sig"].encode() + b'","statement_url"')
            )
            == 1
        )


def _doc_block(name: str) -> str:
    """The fenced block that follows `<!-- name -->` in docs/revocation-feed.md."""
    match = re.search(rf"<!-- {name} -->\n```[a-z]*\n(.*?)\n```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert match, f"docs/revocation-feed.md has no block marked {name}"
    return match.group(1)


def test_the_worked_example_in_the_docs_is_what_the_server_signs_and_the_verifier_takes():
    from revocations import feed
    from tests.revocations.pages import key_for

    key = key_for(TEST_SEED)
    public = Ed25519PrivateKey.from_private_bytes(TEST_SEED).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    entry = json.loads(_doc_block("example-entry-fields"))
    page_bytes = _doc_block("example-page").encode()
    canonical_entry = feed.entry_canonical(entry)
    published = feed.entry_published(canonical_entry, feed.entry_sign(canonical_entry, key))

    assert _doc_block("example-seed") == TEST_SEED.hex()
    assert _doc_block("example-public-key") == base64.b64encode(public).decode()
    assert _doc_block("example-key-id") == key.key_id
    assert _doc_block("example-entry-signed").encode() == feed.ENTRY_CONTEXT + canonical_entry
    assert feed.page_signed(after=0, entries=[published], next_cursor=None, key=key) == page_bytes
    assert canonical(json.loads(page_bytes)) == page_bytes
    assert page_check(page_bytes, keys=pinned([base64.b64encode(public).decode()]), after=0)["entries"][0]["seq"] == 1
