from django.conf import settings
from django.db import models
from django.db.models import Q


class AuditEvent(models.Model):
    """One append-only line of the audit log, chained to the one before by its hash.

    Actor and target are kept as readable snapshots so the trail still reads right after the
    user is renamed or the target is gone; a user with audit events cannot be deleted (deactivate
    them), and on PostgreSQL a trigger refuses any UPDATE or DELETE of this table.
    """

    seq = models.BigIntegerField(unique=True, null=True, help_text="Position in the hash chain.")
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(db_index=True)
    actor_kind = models.CharField(max_length=16)
    actor_label = models.CharField(max_length=200)
    # Indexed only where set: anonymous reporters and the system, most of the log, have no user.
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    verb = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    target_label = models.CharField(max_length=300)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "id"], name="audit_target_idx"),
            models.Index(fields=["actor_user"], condition=Q(actor_user__isnull=False), name="audit_actor_user_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.actor_label} {self.verb} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit events are append-only.")


class AuditChainHead(models.Model):
    """The last link of the chain: writers lock it, so events are chained in commit order."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit chain at {self.seq}"


class AuditCheckpoint(models.Model):
    """A signed statement of the chain's head (its length and last hash) at a time.

    The same statement goes to the log, to the operator's sink and to the public endpoint, where
    the database's writers cannot take it back; this row is the database's own copy, which lets
    the endpoint serve it. A writer may delete rows here but cannot forge one: the key is not in
    the database. On PostgreSQL a trigger refuses UPDATE and DELETE of this table too.
    """

    seq = models.BigIntegerField(unique=True, help_text="Length of the chain: the seq of its last event.")
    hash = models.CharField(max_length=64, help_text="Hash of the event at `seq`.")
    created_at = models.DateTimeField(help_text="When it was signed, to the second.")
    key_id = models.CharField(max_length=16, help_text="sha256 of the public key, first 16 hex digits.")
    signature = models.CharField(max_length=88, help_text="Ed25519 over the signed message, base64.")

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"audit checkpoint at {self.seq}"
