"""Receipts: the secret a reporter gets when filing, stored only as its digest."""

import hashlib
import secrets


def receipt_new() -> str:
    return secrets.token_urlsafe(24)


def receipt_digest(receipt: str) -> str:
    return hashlib.sha256(receipt.encode()).hexdigest()
