from django.db import models

from hubmod.db import TimestampedModel
from moderation.models import Case


class Report(TimestampedModel):
    """One report as filed. The reporter's identity is for staff only."""

    class Source(models.TextChoices):
        FORM = "form"
        API = "api"
        HUB = "hub"
        AUTOMATED = "automated"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reports")
    category = models.CharField(max_length=32)
    source = models.CharField(max_length=16, choices=Source.choices)
    subject_type = models.CharField(max_length=16)
    # The subject as the reporter named it, kept even if the hub renames it later.
    subject_ref = models.CharField(max_length=200)
    revision = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict)
    reporter_name = models.CharField(max_length=200, blank=True)
    reporter_email = models.EmailField(blank=True)
    on_behalf_of = models.CharField(max_length=96, blank=True, help_text="The hub user who pressed 'report'.")
    # sha256 of the receipt; the receipt itself is shown once and e-mailed, never stored.
    receipt_digest = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"Report {self.pk} ({self.category}, {self.subject_ref})"
