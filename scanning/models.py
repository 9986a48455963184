"""Verdicts on file contents, one per sha256 wherever the bytes appear on the hub (API.md)."""

from django.conf import settings
from django.db import models

from hub.models import ScanVerdict, scan_verdict_worst
from hubmod.db import TimestampedModel

# The verdicts are the hub app's, where a copy of each file's lives (RepositoryFile.scan_verdict).
Verdict = ScanVerdict
worst = scan_verdict_worst


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
    # Set when the sweep queued a rescan for a newer scanner version; cleared by the next record.
    rescan_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["verdict", "scanned_at"], name="file_scan_verdict_idx")]

    def __str__(self) -> str:
        return f"{self.sha256[:12]}: {self.verdict}"


class ScannerRun(models.Model):
    """Which scanner, at which version, contributed to a file's verdict: what the rescan sweep
    looks up (by name and version, indexed) when a scanner is upgraded."""

    scan = models.ForeignKey(FileScan, on_delete=models.CASCADE, related_name="runs")
    name = models.CharField(max_length=64)
    version = models.CharField(max_length=200)
    # What this scanner said, before any false positive: what the accuracy figures count.
    verdict = models.CharField(max_length=16, choices=ScanVerdict.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scan", "name"], name="scanner_run_unique_per_scan")]
        indexes = [models.Index(fields=["name", "version"], name="scanner_run_version_idx")]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class FalsePositive(TimestampedModel):
    """A moderator's finding that a scanner was wrong about these bytes, at this version of it.
    The scanner's result no longer counts toward the file's verdict and files no report; a new
    version of the scanner judges the bytes afresh. Counted in the transparency figures as an
    indicator of the accuracy of automated means (DSA Art. 15(1)(e))."""

    sha256 = models.CharField(max_length=64)
    scanner = models.CharField(max_length=64)
    version = models.CharField(max_length=200)
    reason = models.TextField(help_text="Why the finding is wrong: what the moderator checked.")
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    case_id = models.BigIntegerField(null=True, blank=True, help_text="The case the moderator was deciding, if any.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sha256", "scanner", "version"], name="false_positive_unique_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.sha256[:12]}: {self.scanner} {self.version}"


class VerdictAutomation(TimestampedModel):
    """A hub admin's choice to act on a verdict at once, before a moderator looks: the actions
    are decided as an automated decision, through the automation circuit breaker. Off unless a
    row says otherwise (API.md: detection is always automated; deciding is a separate choice)."""

    ACTING_VERDICTS = [(v.value, v.label) for v in (ScanVerdict.DANGEROUS,)]

    verdict = models.CharField(max_length=16, choices=ACTING_VERDICTS, unique=True)
    actions = models.JSONField(
        default=list,
        blank=True,
        help_text='What to do at once, e.g. ["gate"]: the repository is gated until a moderator decides. '
        "Empty: a moderator decides. Automated decisions stop when the circuit breaker trips.",
    )
    enabled = models.BooleanField(default=False)

    def __str__(self) -> str:
        state = "on" if self.enabled else "off"
        return f"{self.verdict}: {', '.join(self.actions) or 'no action'} ({state})"
