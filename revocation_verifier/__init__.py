"""A verifier for hubmod's signed revocation feed, for mirrors and model loaders.

It depends on the standard library, `cryptography` and `rfc8785` only (never on Django or hubmod),
so it can be copied into a loader as it is. docs/revocation-feed.md is the format it checks.

    from revocation_verifier import Store, sync
    store = Store.open("revocations.json")
    sync(store, feed_url="https://hubmod.example/api/v1/revocations", public_keys=["<base64>"])
    store.revoked(sha256="9f86d0...")                      # a Revocation, or None
    store.revoked(repository="alice/tiny", revision="abc")  # that revision, or the whole repository

`python -m revocation_verifier --help` is the same from a shell.
"""

from revocation_verifier.format import FEED, VerificationError, key_id_of
from revocation_verifier.store import Revocation, Store
from revocation_verifier.sync import FetchError, sync

__all__ = ["FEED", "FetchError", "Revocation", "Store", "VerificationError", "key_id_of", "sync"]
