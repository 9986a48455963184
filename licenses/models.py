"""The curated license catalogue: which licenses, and which of their clauses, the hub acts on.

Every change is kept by django-simple-history (who, when, before and after), so a decision can
point at the exact clause text it cited even after an admin rewrites it.
"""

from typing import TYPE_CHECKING

from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from hubmod.db import TimestampedModel

if TYPE_CHECKING:
    from django.contrib.auth.models import User

LICENSE_KEY_PATTERN = r"^[a-z0-9][a-z0-9.+_-]{0,63}$"
license_key_validator = RegexValidator(
    LICENSE_KEY_PATTERN, "Use lowercase letters, digits, '.', '+', '_' or '-', as the hub spells the license."
)


class License(TimestampedModel):
    key = models.CharField(
        max_length=64,
        unique=True,
        validators=[license_key_validator],
        help_text="The hub's license key, e.g. llama3.1.",
    )
    spdx_id = models.CharField("SPDX id", max_length=64, blank=True)
    name = models.CharField(max_length=200)
    url = models.URLField("canonical URL", blank=True)
    version = models.CharField(max_length=32, blank=True)
    actionable = models.BooleanField(
        default=False, help_text="Whether the hub acts on reports citing this license's terms."
    )
    rationale = models.TextField(help_text="Why it is (or is not) actionable, and for what, in plain language.")
    contact = models.CharField(
        max_length=300, blank=True, help_text="Where questions about enforcing this license go (URL or e-mail)."
    )
    history = HistoricalRecords()
    # The editor django-simple-history names in the record of the next save (set by licenses.services).
    _history_user: "User | None"

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name


class LicenseClause(TimestampedModel):
    license = models.ForeignKey(License, on_delete=models.PROTECT, related_name="clauses")
    ref = models.CharField(max_length=64, help_text='A stable reference, e.g. "AUP 1.a".')
    summary = models.TextField(help_text="What the clause requires or forbids, in our own words.")
    actionable = models.BooleanField(default=False)
    categories = models.JSONField(
        default=list, blank=True, help_text="The report categories this clause can ground, e.g. license_violation."
    )
    source_url = models.URLField(blank=True, help_text="Where the clause stands in the license's own text.")
    history = HistoricalRecords()
    # The editor django-simple-history names in the record of the next save (set by licenses.services).
    _history_user: "User | None"

    class Meta:
        ordering = ["license", "ref"]
        constraints = [models.UniqueConstraint(fields=["license", "ref"], name="license_clause_unique_ref")]

    def __str__(self) -> str:
        return f"{self.license.key} {self.ref}"
