"""The feed's wire format (docs/revocation-feed.md): the canonical JSON of an entry and of a page,
and the messages their Ed25519 signatures cover.

Canonical means RFC 8785 (JSON Canonicalization Scheme), through Trail of Bits' `rfc8785` for an
entry. A page is put together from its entries' stored canonical bytes rather than serialised
again: RFC 8785 writes no whitespace (§3.2.1), each value in its own canonical form (§3.2.2) and an
object's members sorted by name (§3.2.3), so an array is its elements' canonical forms joined by
commas, and joining canonical pieces in the members' sorted order is the canonical form of the
whole. tests/revocations/test_canonical.py checks the result against an independent serialisation.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import rfc8785

from revocations.keys import SigningKey

FEED = "hubmod-revocations/1"
# What each signature covers is its context line and then the canonical bytes: an entry's signature
# can never pass for a page's, nor either for any other message signed with the key.
ENTRY_CONTEXT = b"hubmod-revocations/1 entry\n"
PAGE_CONTEXT = b"hubmod-revocations/1 page\n"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
# JSON numbers are IEEE 754 doubles: past 2**53 - 1 an integer is not exact (RFC 8785 §3.2.2.3,
# and `rfc8785` refuses it). No seq or cursor goes beyond.
MAX_SEQ = 2**53 - 1

# In an entry's canonical form, members are in sorted order and "sig" sorts right before
# "statement_url", which every entry has. An entry holds only strings and integers, where a quote
# is always escaped, so this byte string occurs once: at that member.
_STATEMENT_MEMBER = b',"statement_url":'


def timestamp(moment: datetime) -> str:
    """A time as the feed writes it: UTC, to the second, RFC 3339 with a `Z`."""
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def entry_canonical(fields: dict[str, Any]) -> bytes:
    """The canonical bytes of an entry without its `sig`: what its signature is made over."""
    return rfc8785.dumps(fields)


def entry_sign(canonical: bytes, key: SigningKey) -> str:
    return key.sign(ENTRY_CONTEXT + canonical)


def entry_published(canonical: bytes, signature: str) -> bytes:
    """The entry as a page carries it: its canonical bytes with `"sig"` in its sorted place."""
    return canonical.replace(_STATEMENT_MEMBER, b',"sig":"' + signature.encode() + b'"' + _STATEMENT_MEMBER, 1)


def page_signed(*, after: int, entries: list[bytes], next_cursor: str | None, key: SigningKey) -> bytes:
    """A page's canonical bytes: `after`, `entries`, `feed`, `key_id`, `next`, then `signature`,
    made over the page's canonical bytes without it (which end where `,"signature"` begins)."""
    following = b"null" if next_cursor is None else b'"' + next_cursor.encode() + b'"'
    unsigned = b"".join(
        (
            b'{"after":',
            str(after).encode(),
            b',"entries":[',
            b",".join(entries),
            b'],"feed":"' + FEED.encode() + b'","key_id":"' + key.key_id.encode() + b'","next":',
            following,
            b"}",
        )
    )
    signature = key.sign(PAGE_CONTEXT + unsigned).encode()
    return unsigned[:-1] + b',"signature":"' + signature + b'"}'
