import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from transparency.statements import statements_between


class Command(BaseCommand):
    help = "Print one statement of reasons per line (JSON), in the DSA Transparency Database's format."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD")

    def handle(self, *args, start: str, end: str, **options):
        try:
            start_date, end_date = date.fromisoformat(start), date.fromisoformat(end)
        except ValueError as exc:
            raise CommandError("Give dates as YYYY-MM-DD.") from exc
        if start_date > end_date:
            raise CommandError("--from is after --to.")
        for statement in statements_between(start=start_date, end=end_date):
            self.stdout.write(json.dumps(statement, ensure_ascii=False, sort_keys=True))
