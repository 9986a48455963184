import base64

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from django.core.management.base import BaseCommand

from revocations.keys import key_id_of


class Command(BaseCommand):
    help = "Print a new Ed25519 private seed for REVOCATION_SIGNING_KEY, and its public key; changes nothing."

    def handle(self, *args, **options):
        private = Ed25519PrivateKey.generate()
        seed = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.stdout.write(f"REVOCATION_SIGNING_KEY={base64.b64encode(seed).decode()}")
        self.stdout.write(f"# public key {base64.b64encode(public).decode()} (key id {key_id_of(public)})")
        self.stdout.write(
            "# Rotating: publish the new public key before switching, then run `manage.py revocation_key --resign`."
        )
