from django.core.management.base import BaseCommand

from moderation.seed import seed


class Command(BaseCommand):
    help = "Load the license catalogue, the default hub policy and the staff roles (idempotent)."

    def handle(self, *args, **options):
        seed()
        self.stdout.write("Seeded: staff roles, hub policy, license catalogue.")
