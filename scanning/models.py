"""Verdicts on file contents, one per sha256 wherever the bytes appear on the hub (API.md)."""

from django.db import models

from hubmod.db import TimestampedModel


class Verdict(models.TextChoices):
    """Worst last: a revision's verdict is the worst of its files' (a file not yet scanned keeps
    it pending; one that could not be scanned is worse than one not meant to be)."""

    CLEAN = "clean"
    SKIPPED = "skipped"
    PENDING = "pending"
    ERROR = "error"
    SUSPICIOUS = "suspicious"
    DANGEROUS = "dangerous"


def worst(verdicts: list[str]) -> str:
    """The worst of these verdicts; clean when there are none (a revision without files)."""
    order = list(Verdict.values)
    return max(verdicts, key=order.index, default=Verdict.CLEAN)


class FileScan(TimestampedModel):
    """What the scanners found in the bytes with this sha256. Scanned once per content; scanned
    again only when a scanner's version changes. `scanners` holds each scanner's result as API.md
    shows it: {"name", "version", "verdict", "findings": [{"kind", "detail", "member"?}]}; a finding
    names what was found (a global, a member, the kind of secret and its line), never a secret."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.BigIntegerField(null=True, blank=True)
    verdict = models.CharField(max_length=16, choices=Verdict.choices, default=Verdict.PENDING)
    reason = models.TextField(blank=True, help_text="Why an error or a skip: what a moderator can act on.")
    scanners = models.JSONField(default=list, blank=True)
    scanned_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["verdict", "scanned_at"], name="file_scan_verdict_idx")]

    def __str__(self) -> str:
        return f"{self.sha256[:12]}: {self.verdict}"
