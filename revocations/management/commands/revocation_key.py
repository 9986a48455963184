from django.core.management.base import BaseCommand

from revocations.keys import signing_key
from revocations.services import revocations_resign


class Command(BaseCommand):
    help = (
        "Print the public key (base64) and key id that verify the revocation feed: publish them for mirrors "
        "to pin. --resign signs every entry again with the current key, after a rotation."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--resign", action="store_true", help="Sign entries signed by an earlier key again with this one."
        )

    def handle(self, *args, resign=False, **options):
        key = signing_key()
        self.stdout.write(f"public_key {key.public_b64}")
        self.stdout.write(f"key_id {key.key_id}")
        if key.development:
            self.stderr.write(
                self.style.WARNING("A development key, derived from SECRET_KEY: REVOCATION_SIGNING_KEY is unset.")
            )
        if resign:
            self.stdout.write(f"signed again {revocations_resign()}")
