from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hubmod.audit.checkpoints import CheckpointRefused, checkpoint_publish


class Command(BaseCommand):
    help = (
        "Sign the audit chain's head and publish it now (beat does it every ten minutes): the log, "
        "AUDIT_CHECKPOINT_FILE, AUDIT_CHECKPOINT_URL and the public endpoint."
    )

    def handle(self, *args, **options):
        try:
            published = checkpoint_publish()
        except CheckpointRefused as exc:
            raise CommandError(f"Not signed: {exc} Run verify_audit_log.") from exc
        except OSError as exc:
            raise CommandError(f"Signed, but the checkpoint file could not be written: {exc}.") from exc
        if published is None:
            self.stdout.write("The audit log is empty: nothing to sign yet.")
            return
        c = published.checkpoint
        what = "Signed" if published.created else "No event since; the last checkpoint stands"
        at = f"{c.created_at:%Y-%m-%d %H:%M:%S}Z"
        self.stdout.write(f"{what}: checkpoint {c.seq} ({c.hash}) at {at}, key {c.key_id}.")
        self.stdout.write(f"Published to: {', '.join(published.sinks)}.")
        if not settings.AUDIT_CHECKPOINT_FILE:
            self.stdout.write("No file sink: AUDIT_CHECKPOINT_FILE is unset.")
        if not settings.AUDIT_CHECKPOINT_URL:
            self.stdout.write("No HTTP sink: AUDIT_CHECKPOINT_URL is unset.")
        if published.development_key:
            self.stdout.write(
                self.style.WARNING(
                    "Signed with the development key derived from SECRET_KEY (AUDIT_CHECKPOINT_SIGNING_KEY is "
                    "unset): fit for trying things out, not for evidence."
                )
            )
