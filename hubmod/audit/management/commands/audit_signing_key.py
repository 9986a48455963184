import base64

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from django.core.management.base import BaseCommand

from hubmod.audit.checkpoints import key_id, signing_key


class Command(BaseCommand):
    help = (
        "Print the public key that verifies the audit checkpoints (give it to whoever keeps copies); "
        "--generate prints a new private key for AUDIT_CHECKPOINT_SIGNING_KEY."
    )

    def add_arguments(self, parser):
        parser.add_argument("--generate", action="store_true", help="Print a new key pair; changes nothing.")

    def handle(self, *args, generate=False, **options):
        if generate:
            private = Ed25519PrivateKey.generate()
            raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
            public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
            self.stdout.write(f"AUDIT_CHECKPOINT_SIGNING_KEY={base64.b64encode(raw).decode()}")
            self.stdout.write(f"# public key {base64.b64encode(public).decode()} (key id {key_id(public)})")
            self.stdout.write(
                "# Rotating: keep the old public key in AUDIT_CHECKPOINT_VERIFY_KEYS so its checkpoints still verify."
            )
            return
        key = signing_key()
        self.stdout.write(f"{base64.b64encode(key.public_raw).decode()} (Ed25519, key id {key_id(key.public_raw)})")
        if key.development:
            self.stdout.write(
                self.style.WARNING(
                    "The development key, derived from SECRET_KEY: AUDIT_CHECKPOINT_SIGNING_KEY is unset."
                )
            )
