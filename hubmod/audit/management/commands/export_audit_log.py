import json
from datetime import date, datetime, time, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hubmod.audit.models import AuditEvent


class Command(BaseCommand):
    help = "Print audit events as JSON lines, with their chain hashes, for auditors (verify with verify_audit_log)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", help="YYYY-MM-DD (default: the beginning)")
        parser.add_argument("--to", dest="end", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--target", help="Only one object's trail, as type:id, e.g. moderation.case:42")

    def handle(self, *args, start=None, end=None, target=None, **options):
        events = AuditEvent.objects.order_by("seq")
        try:
            tz = timezone.get_current_timezone()
            if start:
                events = events.filter(created_at__gte=datetime.combine(date.fromisoformat(start), time.min, tz))
            if end:
                until = datetime.combine(date.fromisoformat(end) + timedelta(days=1), time.min, tz)
                events = events.filter(created_at__lt=until)
        except ValueError as exc:
            raise CommandError("Give dates as YYYY-MM-DD.") from exc
        if target:
            target_type, _, target_id = target.partition(":")
            events = events.filter(target_type=target_type, target_id=target_id)
        for event in events.iterator(chunk_size=2000):
            row = {
                "seq": event.seq,
                "at": event.created_at.isoformat(),
                "actor": {"kind": event.actor_kind, "label": event.actor_label},
                "verb": event.verb,
                "target": {"type": event.target_type, "id": event.target_id, "label": event.target_label},
                "data": event.data,
                "prev_hash": event.prev_hash,
                "hash": event.hash,
            }
            self.stdout.write(json.dumps(row, ensure_ascii=False, sort_keys=True))
