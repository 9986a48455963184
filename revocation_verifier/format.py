"""Checking one page of the feed, byte for byte, as docs/revocation-feed.md specifies it.

Nothing here trusts the server: a page is accepted only if its bytes are exactly the RFC 8785
canonical form of the JSON they parse to, its signature and every entry's verify with a pinned key,
and its entries continue the local copy's seqs with none reused or skipped.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

FEED = "hubmod-revocations/1"
ENTRY_CONTEXT = b"hubmod-revocations/1 entry\n"
PAGE_CONTEXT = b"hubmod-revocations/1 page\n"
SEVERITIES = ("hard", "soft")
MAX_SEQ = 2**53 - 1
_PAGE_MEMBERS = {"after", "entries", "feed", "key_id", "next", "signature"}
_ENTRY_STRINGS = ("action", "repository", "severity", "reason", "statement_url", "revoked_at", "sig")
_ENTRY_OPTIONAL_STRINGS = ("revision", "sha256", "lifted_at")
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")


class VerificationError(Exception):
    """The feed (or the local copy) is not what the pinned key vouches for: nothing of it is taken."""


def key_id_of(public_raw: bytes) -> str:
    """sha256 of the raw 32-byte public key, its first 16 hex digits."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


def public_key_parse(encoded: str) -> Ed25519PublicKey:
    try:
        raw = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise ValueError("a public key is the raw 32-byte Ed25519 key in base64")
    return Ed25519PublicKey.from_public_bytes(raw)


def pinned(public_keys: list[str]) -> dict[str, Ed25519PublicKey]:
    """The pinned keys by key id."""
    keys = {}
    for encoded in public_keys:
        key = public_key_parse(encoded)
        keys[key_id_of(base64.b64decode(encoded.strip()))] = key
    if not keys:
        raise ValueError("pin at least one public key")
    return keys


def _no_constants(name: str) -> Any:
    raise VerificationError(f"{name} is not JSON")


def parse_json(body: bytes) -> Any:
    """The JSON value of `body`. A member named twice parses to one, so the canonical comparison
    that follows refuses such bytes (RFC 8785 takes I-JSON, RFC 7493, which forbids them)."""
    try:
        return json.loads(body.decode("utf-8"), parse_constant=_no_constants)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise VerificationError(f"not JSON: {exc}") from exc


def canonical(value: Any) -> bytes:
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as exc:
        raise VerificationError(f"no RFC 8785 form: {exc}") from exc


def same_bytes(expected: bytes, body: bytes) -> None:
    if expected != body:
        differ = (i for i, (a, b) in enumerate(zip(expected, body, strict=False)) if a != b)
        at = next(differ, min(len(body), len(expected)))
        raise VerificationError(
            f"the bytes are not the RFC 8785 canonical form of their JSON (first difference: byte {at})"
        )


def _verify(key: Ed25519PublicKey, signature: Any, message: bytes, what: str) -> None:
    try:
        raw = base64.b64decode(signature, validate=True) if isinstance(signature, str) else b""
        key.verify(raw, message)
    except (binascii.Error, ValueError, InvalidSignature) as exc:
        raise VerificationError(f"{what}: the signature does not verify with the pinned key") from exc


def _seq(value: Any) -> int | None:
    """`value` if it is a seq (a JSON integer from 0 to 2**53 - 1; not a boolean), else None."""
    return value if type(value) is int and 0 <= value <= MAX_SEQ else None


def entry_check(entry: Any, entry_canonical: bytes, key: Ed25519PublicKey) -> dict[str, Any]:
    """One entry's members and signature, over its canonical form without `sig`: `entry_canonical`
    (its canonical form) less the `,"sig":"..."` member. That member is never first ("action" and
    others sort before it), and a base64 value needs no escape, so it is found as written."""
    if not isinstance(entry, dict):
        raise VerificationError("an entry is not a JSON object")
    seq = _seq(entry.get("seq"))
    what = f"entry {entry.get('seq')}"
    if seq is None or seq < 1:
        raise VerificationError(f"{what}: seq is not a whole number from 1")
    for name in _ENTRY_STRINGS:
        if not isinstance(entry.get(name), str) or not entry[name]:
            raise VerificationError(f"{what}: `{name}` is missing or not a string")
    for name in _ENTRY_OPTIONAL_STRINGS:
        if name in entry and (not isinstance(entry[name], str) or not entry[name]):
            raise VerificationError(f"{what}: `{name}` is not a string")
    if entry["severity"] not in SEVERITIES:
        raise VerificationError(f"{what}: severity is {entry['severity']!r}, not hard or soft")
    if ("lifted_at" in entry) != ("lifts" in entry) or ("lifts" in entry and _seq(entry["lifts"]) is None):
        raise VerificationError(f"{what}: a lift has both `lifted_at` and `lifts` (a seq), anything else neither")
    if not _BASE64.fullmatch(entry["sig"]):
        raise VerificationError(f"{what}: `sig` is not base64")
    signed = entry_canonical.replace(b',"sig":"' + entry["sig"].encode() + b'"', b"", 1)
    _verify(key, entry["sig"], ENTRY_CONTEXT + signed, what)
    return entry


def page_check(body: bytes, *, keys: Mapping[str, Ed25519PublicKey], after: int) -> dict[str, Any]:
    """A page's bytes, members, key, signature and entries' signatures; it must continue from seq
    `after` (the local copy's last), each entry's seq one more than the one before it."""
    page = parse_json(body)
    if not isinstance(page, dict) or set(page) != _PAGE_MEMBERS:
        raise VerificationError(f"a page has exactly the members {sorted(_PAGE_MEMBERS)}")
    if not isinstance(page["entries"], list):
        raise VerificationError("`entries` is not a list")
    # The page's canonical form, put together from its entries' (each serialised once, and used
    # again for its signature) in the sorted order of the page's six members (RFC 8785 §3.2.3).
    entries = [canonical(entry) for entry in page["entries"]]
    members = {name: canonical(page[name]) for name in ("after", "feed", "key_id", "next", "signature")}
    same_bytes(
        b'{"after":' + members["after"] + b',"entries":[' + b",".join(entries) + b'],"feed":' + members["feed"]
        + b',"key_id":' + members["key_id"] + b',"next":' + members["next"] + b',"signature":'
        + members["signature"] + b"}",
        body,
    )  # fmt: skip
    if page["feed"] != FEED:
        raise VerificationError(f"not a {FEED} page: feed is {page['feed']!r}")
    key = keys.get(page["key_id"]) if isinstance(page["key_id"], str) else None
    if key is None:
        raise VerificationError(
            f"the page is signed by key {page['key_id']!r}, which is not pinned ({', '.join(sorted(keys))}). "
            "If the feed's operator has rotated its key, get the new public key from them by a channel other "
            "than this feed, check it, and pin it (you may pin the old and the new together)."
        )
    # What the page's signature covers: its bytes up to its last member, `signature`, closed.
    unsigned = body[: body.rindex(b',"signature":')] + b"}"
    _verify(key, page["signature"], PAGE_CONTEXT + unsigned, "page")
    if page["after"] != after:
        raise VerificationError(f"asked for the entries after seq {after}, got a page after {page['after']!r}")
    expected = after + 1
    for entry, entry_canonical in zip(page["entries"], entries, strict=True):
        seq = _seq(entry.get("seq")) if isinstance(entry, dict) else None
        if seq is not None and seq < expected:
            raise VerificationError(f"seq {seq} is used again: the local copy already has it (expected {expected})")
        if seq is not None and seq > expected:
            raise VerificationError(f"seq {expected} is skipped: the next entry is seq {seq}")
        entry_check(entry, entry_canonical, key)
        expected += 1
    following = page["next"]
    last = expected - 1
    if following is not None and (following != str(last) or not page["entries"]):
        raise VerificationError(f"`next` is {following!r}; after this page it can only be {str(last)!r} or null")
    return page
