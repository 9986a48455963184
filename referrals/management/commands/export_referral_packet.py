import getpass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from hubmod.actors import Actor
from hubmod.errors import ApplicationError
from referrals.services import referral_packet_export


class Command(BaseCommand):
    help = "Write a referral's packet (docs/referral-packet.md) to a ZIP file; the export is audited."

    def add_arguments(self, parser):
        parser.add_argument("referral_id", type=int)
        parser.add_argument("--output", required=True, help="Where to write the ZIP; an existing file is refused.")
        parser.add_argument("--by", help="The legal staff member exporting (checked); default: the operator.")
        parser.add_argument(
            "--include-reporter-contact", action="store_true", help="Add reporters' names and e-mail addresses."
        )

    def handle(self, *args, referral_id: int, output: str, by: str | None, include_reporter_contact: bool, **options):
        if by:
            user = get_user_model().objects.filter(username=by, is_active=True).first()
            if user is None:
                raise CommandError(f"No active staff member is called {by!r}.")
            actor = Actor.staff(user)
        else:
            # Whoever runs manage.py already holds the database; the audit names their OS account.
            actor = Actor(kind="system", label=f"manage.py export_referral_packet (OS user {getpass.getuser()})")
        path = Path(output)
        try:
            with path.open("xb") as out:
                try:
                    info = referral_packet_export(
                        actor=actor, referral_id=referral_id, out=out, include_reporter_contact=include_reporter_contact
                    )
                except ApplicationError:
                    path.unlink(missing_ok=True)
                    raise
        except FileExistsError as exc:
            raise CommandError(f"{output} exists; choose another --output.") from exc
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{output}: {info.evidence_files} evidence file(s), manifest sha256 {info.manifest_sha256}")
