from django.core.management.base import BaseCommand

from hubmod.staff.roles import ROLE_BY_OPTION
from hubmod.staff.services import staff_create


class Command(BaseCommand):
    help = "Create or update a staff user in one role and print a new personal API token."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(ROLE_BY_OPTION))
        parser.add_argument("--password", help="Set a console password (otherwise the API token only).")

    def handle(self, *args, username: str, role: str, password: str | None, **options):
        _, token = staff_create(username=username, role_group=ROLE_BY_OPTION[role], password=password)
        self.stdout.write(token)
