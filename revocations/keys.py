"""The feed's Ed25519 signing key: from REVOCATION_SIGNING_KEY, or in development derived from
SECRET_KEY (and said so by a system check, revocations.checks)."""

from __future__ import annotations

import base64
import functools
import hashlib
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings

ALGORITHM = "Ed25519"
# HKDF's `info`: the development key is bound to this use, so it is not the audit checkpoints' key
# nor anything else derived from the same SECRET_KEY.
_DEVELOPMENT_INFO = b"hubmod revocation feed development key/1"


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey
    public_raw: bytes
    key_id: str
    # Derived from SECRET_KEY because REVOCATION_SIGNING_KEY is unset: fit for development only.
    development: bool

    @property
    def public_b64(self) -> str:
        return base64.b64encode(self.public_raw).decode()

    def sign(self, message: bytes) -> str:
        return base64.b64encode(self.private.sign(message)).decode()


def key_id_of(public_raw: bytes) -> str:
    """The first 16 hex digits of the sha256 of the raw 32-byte public key (docs/revocation-feed.md)."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


def signing_key() -> SigningKey:
    return _key_from(settings.REVOCATION_SIGNING_KEY, settings.SECRET_KEY)


def is_development_key() -> bool:
    return not settings.REVOCATION_SIGNING_KEY


@functools.lru_cache(maxsize=4)
def _key_from(configured: str, secret_key: str) -> SigningKey:
    if configured:
        seed, development = base64.b64decode(configured, validate=True), False
    else:
        # Stable across restarts, so entries signed yesterday still verify; never a key to trust.
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_DEVELOPMENT_INFO)
        seed, development = hkdf.derive(secret_key.encode()), True
    private = Ed25519PrivateKey.from_private_bytes(seed)
    public_raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return SigningKey(private, public_raw, key_id_of(public_raw), development)
