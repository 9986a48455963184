"""Signed pages made with the server's own format code and a fixed test key, for the verifier's
tests: each page is valid unless a test spoils it on purpose."""

import base64
from typing import Any

from revocations import feed
from revocations.keys import SigningKey, _key_from

# RFC 8032 §7.1 TEST 1's secret key: a well-known seed that no deployment would use.
TEST_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
OTHER_SEED = bytes(range(32))


def key_for(seed: bytes = TEST_SEED) -> SigningKey:
    return _key_from(base64.b64encode(seed).decode(), "")


def entry_fields(seq: int, *, lifts: int | None = None, **overrides: Any) -> dict[str, Any]:
    fields = {
        "seq": seq,
        "action": "quarantine",
        "repository": "alice/tiny",
        "revision": "0a1b2c3",
        "severity": "hard",
        "reason": "malicious_code",
        "statement_url": "https://hubmod.example/transparency/statements/hubmod-decision-1/",
        "revoked_at": "2026-12-01T10:00:00Z",
    }
    if lifts is not None:
        fields |= {"lifts": lifts, "lifted_at": "2026-12-02T10:00:00Z"}
    return fields | overrides


def page(after: int, entries: list[dict[str, Any]], *, key: SigningKey | None = None,
         entry_key: SigningKey | None = None, full: bool = False) -> bytes:  # fmt: skip
    """A page after seq `after` carrying `entries` (their fields), each entry signed by `entry_key`
    and the page by `key` (both the test key unless said)."""
    key = key or key_for()
    published = []
    for fields in entries:
        canonical = feed.entry_canonical(fields)
        published.append(feed.entry_published(canonical, feed.entry_sign(canonical, entry_key or key)))
    next_cursor = str(entries[-1]["seq"]) if full and entries else None
    return feed.page_signed(after=after, entries=published, next_cursor=next_cursor, key=key)
