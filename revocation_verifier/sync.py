"""Bringing the local copy up to date: fetch the pages after its last seq, verify each, keep them."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

from revocation_verifier.format import page_check, pinned
from revocation_verifier.store import Store

MAX_PAGE_BYTES = 64 * 1024 * 1024
TIMEOUT_SECONDS = 30.0


class FetchError(Exception):
    """The feed could not be read (network, HTTP status): nothing was learnt, nothing was changed."""


def page_url(feed_url: str, after: int) -> str:
    """The feed's URL asking for the entries after seq `after` (no cursor for the very start)."""
    if after == 0:
        return feed_url
    parts = urllib.parse.urlsplit(feed_url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    query = [(name, value) for name, value in query if name != "cursor"] + [("cursor", str(after))]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def fetch(url: str, *, timeout: float = TIMEOUT_SECONDS) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 - the operator's URL
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body: bytes = response.read(MAX_PAGE_BYTES + 1)
    except urllib.error.HTTPError as exc:
        detail = exc.read(2000).decode("utf-8", "replace")
        raise FetchError(f"{url}: HTTP {exc.code} {detail}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise FetchError(f"{url}: {exc}") from exc
    if len(body) > MAX_PAGE_BYTES:
        raise FetchError(f"{url}: a page larger than {MAX_PAGE_BYTES} bytes")
    return body


def sync(store: Store, *, feed_url: str, public_keys: list[str], max_pages: int | None = None) -> int:
    """Fetch and verify every page after the store's last seq, keep what verified, save the store.

    Raises VerificationError at the first page that does not verify, FetchError when the feed cannot
    be read; the pages verified before it are kept. Returns how many entries were added."""
    keys = pinned(public_keys)
    added = 0
    pages = 0
    try:
        while max_pages is None or pages < max_pages:
            after = store.last_seq
            page = page_check(fetch(page_url(feed_url, after)), keys=keys, after=after)
            store.extend(page["entries"], key_id=page["key_id"])
            added += len(page["entries"])
            pages += 1
            if page["next"] is None:
                break
    finally:
        if added or not store.path.exists():
            store.save()
    return added
