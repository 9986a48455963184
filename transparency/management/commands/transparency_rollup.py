from django.core.management.base import BaseCommand

from transparency.rollups import transparency_days_due, transparency_days_roll_up, transparency_rollup_all


class Command(BaseCommand):
    help = (
        "Count the transparency figures of closed days into their daily rollups: every day whose rollup is "
        "missing or stale (after deploying, or a bulk load), or with --all every closed day again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Recount every closed day, fresh or not.")

    def handle(self, *args, all: bool, **options):
        counted = transparency_rollup_all() if all else transparency_days_roll_up(days=transparency_days_due())
        self.stdout.write(f"{counted} day(s) rolled up.")
