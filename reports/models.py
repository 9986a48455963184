from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hub.models import Account
from hubmod.categories import ReportCategory
from hubmod.db import TimestampedModel
from moderation.models import Case
from reports.categories import category_get


class Reporter(TimestampedModel):
    """Someone who filed with an e-mail address: the unit of trust (DSA Art. 22) and of
    suspension for manifestly unfounded notices (DSA Art. 23). Staff only ever see it.

    Trust follows a proven identity only, never the address typed into a report: the login the
    flagger files with (its personal API token, or a session on the report form), or the hub
    account a hub key reports on behalf of."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200, blank=True)
    trusted = models.BooleanField("trusted flagger", default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="flagger",
        help_text="The login this flagger files with; set by `create_trusted_flagger`.",
    )
    hub_account = models.OneToOneField(
        Account,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="flagger",
        help_text="The hub account whose reports, forwarded by a hub key, are this flagger's.",
    )
    trusted_note = models.TextField(blank=True, help_text="Who they are and why they are trusted.")
    warned_at = models.DateTimeField(null=True, blank=True)
    suspended_until = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.TextField(blank=True)

    class Meta:
        permissions = [("trust_reporter", "Mark reporters as trusted flaggers")]

    def __str__(self) -> str:
        return self.email


class Report(TimestampedModel):
    """One report as filed. The reporter's identity is for staff only."""

    class Source(models.TextChoices):
        FORM = "form", _("Form")
        API = "api", _("API")
        HUB = "hub", _("Hub")
        AUTOMATED = "automated", _("Automated")

    class Outcome(models.TextChoices):
        """What the reporter asks the hub to do; the moderator decides, but sees the request."""

        REMOVE = "remove", _("Remove it from the hub")
        RESTRICT = "restrict", _("Restrict who can see or download it")
        FIX = "fix", _("Have the uploader fix it (license, attribution, model card)")
        LABEL = "label", _("Warn people or label it")
        REVIEW = "review", _("Just have someone look at it")

    # Looked up through report_case_created_idx; an index of its own would be one more per insert.
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reports", db_index=False)
    category = models.CharField(max_length=32)
    source = models.CharField(max_length=16, choices=Source.choices)
    subject_type = models.CharField(max_length=16)
    # The subject as the reporter named it, kept even if the hub renames it later.
    subject_ref = models.CharField(max_length=200)
    revision = models.CharField(max_length=64, blank=True)
    path = models.CharField(max_length=1024, blank=True, help_text="The file the report is about, if one.")
    line_start = models.PositiveIntegerField(null=True, blank=True)
    line_end = models.PositiveIntegerField(null=True, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True, help_text="The digest of that file, if known.")
    details = models.JSONField(default=dict)
    # Indexed only where set: most reports come from the API or a form without a reporter record.
    reporter = models.ForeignKey(
        Reporter, null=True, blank=True, on_delete=models.PROTECT, related_name="reports", db_index=False
    )
    reporter_name = models.CharField(max_length=200, blank=True)
    reporter_email = models.EmailField(blank=True)
    on_behalf_of = models.CharField(max_length=96, blank=True, help_text="The hub user who pressed 'report'.")
    # Who is behind the report, as an opaque digest (reporter, hub user or client address), so a
    # surge counts distinct people without storing anyone's address.
    reporter_key = models.CharField(max_length=64, default="")
    # sha256 of the receipt; the receipt itself is shown once and e-mailed, never stored.
    receipt_digest = models.CharField(max_length=64)
    # The language the reporter used (their browser's preference); the outcome notice follows it.
    language = models.CharField(max_length=16, blank=True)
    outcome_sought = models.CharField(max_length=16, choices=Outcome.choices, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(line_start__isnull=True)
                | Q(line_end__isnull=True)
                | Q(line_end__gte=models.F("line_start")),
                name="report_line_range_ordered",
            )
        ]
        indexes = [
            models.Index(fields=["case", "created_at"], name="report_case_created_idx"),
            # Equality only: db_index on a CharField would add a second, pattern-matching index.
            models.Index(fields=["reporter_key"], name="report_reporter_key_idx"),
            models.Index(fields=["reporter"], condition=Q(reporter__isnull=False), name="report_reporter_idx"),
        ]

    @property
    def details_labelled(self) -> list[tuple[str, object]]:
        """The details as the reporter's form asked for them: (the field's label, what was given),
        in the form's order; a key no form field names keeps its key as its label."""
        spec = category_get(self.category)
        labels = {f.name: f.label for f in spec.fields} if spec else {}
        choices = {f.name: dict(f.choices) for f in spec.fields if f.choices} if spec else {}
        ordered = [name for name in labels if name in self.details] + [k for k in self.details if k not in labels]
        return [
            (
                str(labels.get(name, name.replace("_", " "))),
                choices.get(name, {}).get(self.details[name], self.details[name]),
            )
            for name in ordered
        ]

    def __str__(self) -> str:
        return f"Report {self.pk} ({self.category}, {self.subject_ref})"


class Evidence(TimestampedModel):
    """A file a reporter attached, stored through Django's storage API under its own digest."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to="evidence/%Y/%m/")
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    original_name = models.CharField(max_length=255, blank=True)
    # Deleted from storage by the retention purge; the digest, size and type are kept as a record.
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return f"{self.original_name or self.sha256[:12]} ({self.content_type})"


class HashList(TimestampedModel):
    """Known-bad file digests kept by hub admins; a synced file that matches opens an automated report."""

    # The categories a file's digest alone can ground (a copyright or license claim needs more).
    CATEGORIES = (ReportCategory.MALICIOUS_CODE, ReportCategory.CHILD_SAFETY, ReportCategory.PRIVATE_INFORMATION,
                  ReportCategory.SPAM, ReportCategory.OTHER)  # fmt: skip

    name = models.CharField(max_length=100, unique=True)
    category = models.CharField(max_length=32, choices=[(c.value, c.label) for c in CATEGORIES])
    note = models.TextField(help_text="Where the list comes from and what a match means.")
    active = models.BooleanField(default=True)
    auto_actions = models.JSONField(
        default=list,
        blank=True,
        help_text='Act on a match without waiting for a moderator, e.g. ["disable"]. Empty: a moderator decides. '
        "Automated decisions stop when the circuit breaker trips.",
    )

    def __str__(self) -> str:
        return self.name


class KnownHash(models.Model):
    hash_list = models.ForeignKey(HashList, on_delete=models.CASCADE, related_name="hashes")
    sha256 = models.CharField(max_length=64, db_index=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hash_list", "sha256"], name="known_hash_unique_per_list")]

    def __str__(self) -> str:
        return self.sha256
