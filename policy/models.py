"""The hub's policy: its versions and sections, the SLA table, the strike ladder and the
templates decisions and notices start from. Hub admins edit it; moderation applies it.

The models moved here from moderation and keep their tables (`db_table`): an upgrade keeps every row.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hubmod.db import TimestampedModel


class PolicyVersion(TimestampedModel):
    """One version of the hub's acceptable-use policy; the newest in effect is current."""

    version = models.CharField(max_length=32, unique=True)
    effective_at = models.DateTimeField()
    summary = models.TextField(blank=True)

    class Meta:
        db_table = "moderation_policyversion"
        ordering = ["-effective_at"]

    def __str__(self) -> str:
        return f"Hub policy {self.version}"


class PolicySection(models.Model):
    policy = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="sections")
    key = models.SlugField(max_length=64)
    title = models.CharField(max_length=200)
    text = models.TextField()
    # Shown in the public policy center: plain-language examples, one string each.
    allowed_examples = models.JSONField(default=list, blank=True, help_text="Examples of what this section allows.")
    prohibited_examples = models.JSONField(
        default=list, blank=True, help_text="Examples of what this section prohibits."
    )

    class Meta:
        db_table = "moderation_policysection"
        ordering = ["policy", "key"]
        constraints = [models.UniqueConstraint(fields=["policy", "key"], name="policy_section_unique_key")]

    def __str__(self) -> str:
        return f"{self.key} ({self.policy.version})"


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class Intent(models.TextChoices):
    INADVERTENT = "inadvertent", _("Inadvertent")
    DELIBERATE = "deliberate", _("Deliberate")
    UNKNOWN = "unknown", _("Unknown")
    # Someone else acted through the uploader's account: they are the victim, not the author.
    COMPROMISED = "compromised", _("Compromised account")


class SlaRule(TimestampedModel):
    """How urgent a report category is: its queue priority and its time to a decision."""

    category = models.CharField(max_length=32, unique=True)
    priority = models.PositiveSmallIntegerField(help_text="Higher is more urgent.")
    hours_to_decision = models.PositiveIntegerField()
    escalate_after_hours = models.PositiveIntegerField(
        default=24, help_text="Hours past due before beat escalates an undecided case to senior moderators."
    )
    severity = models.CharField(max_length=16, choices=Severity.choices, default=Severity.MEDIUM)
    four_eyes = models.BooleanField(
        default=False, help_text="Every decision in this category takes effect only after a second approval."
    )

    class Meta:
        db_table = "moderation_slarule"
        ordering = ["-priority", "category"]
        verbose_name = "SLA rule"

    def __str__(self) -> str:
        return f"{self.category}: priority {self.priority}, {self.hours_to_decision} h"


class StrikeRule(TimestampedModel):
    """One rung of the strike ladder: for this severity and intent, with at least this many
    active strikes, recommend these actions; a decision adds a strike lasting `strike_days`."""

    severity = models.CharField(max_length=16, choices=Severity.choices)
    intent = models.CharField(max_length=16, choices=Intent.choices)
    min_active_strikes = models.PositiveSmallIntegerField(default=0)
    actions = models.JSONField(help_text='Recommended action kinds, e.g. ["warn"] or ["disable", "restrict_account"].')
    strike_days = models.PositiveIntegerField(default=90, help_text="How long a strike from such a decision lasts.")

    class Meta:
        db_table = "moderation_strikerule"
        ordering = ["severity", "intent", "min_active_strikes"]
        constraints = [
            models.UniqueConstraint(fields=["severity", "intent", "min_active_strikes"], name="strike_rule_unique_rung")
        ]

    def __str__(self) -> str:
        return f"{self.severity}/{self.intent} with {self.min_active_strikes}+ strikes: {', '.join(self.actions)}"


class StatementTemplate(TimestampedModel):
    """The statement of reasons a moderator starts from for a category, and edits."""

    category = models.CharField(max_length=32, unique=True)
    text = models.TextField()

    class Meta:
        db_table = "moderation_statementtemplate"

    def __str__(self) -> str:
        return f"Template for {self.category}"


class NoticeTemplate(TimestampedModel):
    """An e-mail hub admins edit: Django template syntax, with the variables the default shows.
    One per kind and language; a recipient whose language has none gets the English one."""

    class Kind(models.TextChoices):
        STATEMENT_OF_REASONS = "statement_of_reasons"
        REPORT_OUTCOME = "report_outcome"
        APPEAL_OUTCOME = "appeal_outcome"
        # To the owners of what is built on a repository taken down: for information only.
        UPSTREAM_ACTION = "upstream_action"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    language = models.CharField(max_length=16, choices=settings.LANGUAGES, default="en")
    subject = models.CharField(max_length=200)
    body = models.TextField()

    class Meta:
        db_table = "moderation_noticetemplate"
        constraints = [models.UniqueConstraint(fields=["kind", "language"], name="notice_template_unique_language")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.language})"


class MessageTemplate(TimestampedModel):
    """A text a moderator starts from: a statement of reasons for an action, or a question to the
    uploader, in one language. `{subject}`, `{files}`, `{policy_section}`, `{deadline}` and
    `{revision}` are filled from the case; `[...]` marks what the moderator must write, and a text
    that still holds one is refused (policy.messages)."""

    class Kind(models.TextChoices):
        STATEMENT = "statement"
        QUESTION = "question"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    name = models.CharField(max_length=80)
    action = models.CharField(
        max_length=32, blank=True, help_text="The action it is the default for (or 'dismiss'); blank: any."
    )
    category = models.CharField(max_length=32, blank=True, help_text="The report category it fits; blank: any.")
    language = models.CharField(max_length=16, choices=settings.LANGUAGES, default="en")
    text = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "name", "language"], name="message_template_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name} ({self.language})"
