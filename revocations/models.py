"""The feed's entries, append-only, numbered without gaps, each signed as it was written."""

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from moderation.models import EnforcementAction


class Severity(models.TextChoices):
    # What a loader does with it (docs/revocation-feed.md): hard must not be loaded, soft warns.
    HARD = "hard", _("Hard: must not be loaded")
    SOFT = "soft", _("Soft: warn before loading")


class RevocationEntry(models.Model):
    """One line of the feed: a revocation, or the lift of one (`lifted_at` set, `lifts` its seq).

    `canonical` holds the exact bytes the signature covers (RFC 8785 JSON, docs/revocation-feed.md)
    and `signature` the Ed25519 signature over them, both made when the entry was written: the feed
    serves them as stored, so a snapshot of 100,000 entries signs one message per page, not per
    entry (bench "revocations"). The other columns say the same for queries and the admin.
    """

    seq = models.BigIntegerField(unique=True, help_text="Position in the feed: 1, 2, 3... without gaps.")
    repository = models.CharField(max_length=200, help_text="The repository's full name, owner/name.")
    revision = models.CharField(max_length=64, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    reason = models.CharField(max_length=32, help_text="The case's report category key.")
    statement_url = models.CharField(max_length=500)
    revoked_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifts = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="lifted_by", to_field="seq"
    )
    # The applied action (or reversal) this entry publishes: what it was built from, for tracing.
    action = models.ForeignKey(
        EnforcementAction, null=True, blank=True, on_delete=models.PROTECT, related_name="revocation_entries"
    )
    canonical = models.TextField(help_text="The RFC 8785 JSON the signature covers, as signed.")
    signature = models.CharField(max_length=88, help_text="Ed25519 over the entry's signed message, base64.")
    key_id = models.CharField(max_length=16, help_text="The signing key: sha256 of its public key, 16 hex digits.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.CheckConstraint(condition=Q(seq__gte=1), name="revocation_seq_from_one"),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True, lifts__isnull=True)
                | Q(lifted_at__isnull=False, lifts__isnull=False),
                name="revocation_lift_names_what_it_lifts",
            ),
        ]
        verbose_name_plural = "revocation entries"

    def __str__(self) -> str:
        what = self.sha256 or (f"{self.repository}@{self.revision}" if self.revision else self.repository)
        return f"#{self.seq} {'lift of' if self.lifted_at else self.severity} {what}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("Revocation entries are append-only: publish a lift instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("Revocation entries are append-only: publish a lift instead.")


class RevocationFeedHead(models.Model):
    """The feed's last seq, one row: writers lock it, so seqs are handed out in commit order with no
    gap and no reuse, on PostgreSQL and SQLite alike (as hubmod.audit's chain head)."""

    seq = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"revocation feed at {self.seq}"
