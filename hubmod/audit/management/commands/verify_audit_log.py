import time

from django.core.management.base import BaseCommand, CommandError

from hubmod.audit.log import verify_chain


class Command(BaseCommand):
    help = "Walk the audit log's hash chain; exit 0 if intact, non-zero naming the first broken event."

    def handle(self, *args, **options):
        started = time.monotonic()
        result = verify_chain()
        seconds = time.monotonic() - started
        if result.problem:
            where = f"event {result.broken_seq}" if result.broken_seq is not None else "the log"
            raise CommandError(f"Audit log broken at {where}: {result.problem} ({result.checked} intact before it).")
        self.stdout.write(f"Audit log intact: {result.checked} events verified in {seconds:.2f} s.")
