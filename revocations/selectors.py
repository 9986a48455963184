"""Reads of the feed: a page of entries, as the exact canonical bytes the API serves."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max

from hubmod.errors import ApplicationError
from revocations import feed
from revocations.keys import SigningKey, signing_key
from revocations.models import RevocationEntry

CURSOR_HELP = (
    "Send `cursor` as the seq of the last entry you hold (a whole number, 0 or more, as the last page's "
    "`next` gives it), or no cursor to read the feed from its first entry."
)


@dataclass(frozen=True)
class FeedPage:
    body: bytes  # RFC 8785 canonical JSON, signed: served byte for byte
    full: bool  # a full page never changes (seqs are never reused); the last one grows


def revocations_page(*, after: int, limit: int | None = None) -> FeedPage:
    """The entries after seq `after`, at most `limit` (REVOCATION_PAGE_SIZE), as one signed page.

    A full page's `next` is the seq of its last entry whether or not more have been published yet,
    so its bytes never change; a short page's `next` is null, and its reader resumes later from its
    last entry. A cursor past the feed's last entry is refused: no page was ever served that ends
    there, so the reader holds another feed's entries (or this one lost some, which it must hear).
    """
    limit = limit or settings.REVOCATION_PAGE_SIZE
    key = signing_key()
    rows = list(
        RevocationEntry.objects.filter(seq__gt=after)
        .order_by("seq")
        .values_list("seq", "canonical", "signature", "key_id")[:limit]
    )
    if not rows and after > 0:
        last = RevocationEntry.objects.aggregate(last=Max("seq"))["last"] or 0
        if after > last:
            raise ApplicationError(
                "This cursor is past the feed's last entry.",
                field_errors={"cursor": [f"The feed's last entry is seq {last}; {CURSOR_HELP}"]},
            )
    entries = [_published(canonical, signature, entry_key_id, key) for _, canonical, signature, entry_key_id in rows]
    full = len(rows) == limit
    next_cursor = str(rows[-1][0]) if full else None
    return FeedPage(feed.page_signed(after=after, entries=entries, next_cursor=next_cursor, key=key), full)


def _published(canonical: str, signature: str, entry_key_id: str, key: SigningKey) -> bytes:
    raw = canonical.encode()
    if entry_key_id != key.key_id:
        # Signed before the key was rotated and not yet signed again (`revocation_key --resign`):
        # every signature on a page is by the key the page names.
        signature = feed.entry_sign(raw, key)
    return feed.entry_published(raw, signature)
