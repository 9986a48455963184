"""The curated license catalogue: which licenses, and which of their clauses, the hub acts on."""

from django.db import models

from hubmod.db import TimestampedModel


class License(TimestampedModel):
    key = models.SlugField(max_length=64, unique=True, help_text="The hub's license key, e.g. llama3.1.")
    spdx_id = models.CharField(max_length=64, blank=True)
    name = models.CharField(max_length=200)
    url = models.URLField(blank=True)
    version = models.CharField(max_length=32, blank=True)
    actionable = models.BooleanField(
        default=False, help_text="Whether the hub acts on reports citing this license's terms."
    )
    rationale = models.TextField(help_text="Why it is (or is not) actionable, in plain language.")

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name


class LicenseClause(TimestampedModel):
    license = models.ForeignKey(License, on_delete=models.PROTECT, related_name="clauses")
    ref = models.CharField(max_length=64, help_text='A stable reference, e.g. "AUP 1.a".')
    summary = models.TextField(help_text="What the clause requires or forbids, in our own words.")
    actionable = models.BooleanField(default=False)

    class Meta:
        ordering = ["license", "ref"]
        constraints = [models.UniqueConstraint(fields=["license", "ref"], name="license_clause_unique_ref")]

    def __str__(self) -> str:
        return f"{self.license.key} {self.ref}"
