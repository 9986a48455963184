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
