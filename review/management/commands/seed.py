from django.core.management.base import BaseCommand

from review.seed import seed


class Command(BaseCommand):
    help = (
        "Load the license catalogue, the default hub policy, the SLA table and strike ladder, the staff roles, "
        "the documentation checklist, review criteria and release stages (idempotent)."
    )

    def handle(self, *args, **options):
        seed()
        self.stdout.write(
            "Seeded: staff roles, hub policy, license catalogue, documentation checklist, review criteria, "
            "release stages."
        )
