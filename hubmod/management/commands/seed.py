from django.core.management.base import BaseCommand

from hubmod.seed import seed


class Command(BaseCommand):
    help = (
        "Load every app's defaults, lowest layer first: the staff roles, the license catalogue, the hub policy "
        "with its SLA table, strike ladder and notice templates, the documentation checklist, review criteria and "
        "release stages (idempotent: rows a hub admin edited keep their edits)."
    )

    def handle(self, *args, **options):
        seeded = seed()
        self.stdout.write(f"Seeded: {', '.join(seeded)}.")
