from django.core.management.base import BaseCommand, CommandError

from hubmod.actors import SYSTEM
from hubmod.errors import ApplicationError
from reports.reporters import reporter_credential_issue


class Command(BaseCommand):
    help = (
        "Make an e-mail address a trusted flagger (DSA Art. 22) with a login of its own, and print a "
        "new API token for it once. Reports filed with that token (or signed in on the report form, "
        "with --password) are trusted; a report that merely types the address is not."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="")
        parser.add_argument("--note", default="", help="Who they are and why they are trusted.")
        parser.add_argument("--password", help="Also let them sign in to the report form.")
        parser.add_argument(
            "--hub-account", default="", help="Trust what the hub forwards on behalf of this hub account too."
        )

    def handle(self, *args, email: str, name: str, note: str, password: str | None, hub_account: str, **options):
        try:
            _, token = reporter_credential_issue(
                email=email, actor=SYSTEM, name=name, note=note, password=password, hub_account=hub_account
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(token)
