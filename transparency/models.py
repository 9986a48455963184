"""What transparency keeps: statements sent to the DSA Transparency Database and the daily rollups
of the public summary.

The models moved here from moderation and keep their tables (`db_table`): an upgrade keeps every row.
"""

from django.db import models

from hubmod.db import TimestampedModel
from moderation.models import Decision


class StatementSubmission(TimestampedModel):
    """A statement of reasons sent to the DSA Transparency Database, with what it answered."""

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="tdb_submission")
    puid = models.CharField(max_length=500, unique=True)
    tdb_uuid = models.CharField(max_length=64, blank=True)
    permalink = models.URLField(max_length=500, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        db_table = "moderation_statementsubmission"

    def __str__(self) -> str:
        return f"{self.puid} ({'submitted' if self.submitted_at else 'waiting'})"


class TransparencyDay(models.Model):
    """A day of the public transparency summary, counted once into the daily rollups below.

    The summary reads a day from its rollups only while the day is here and not stale: any write
    that changes a counted day's figures later marks the day stale in its own transaction
    (transparency.rollups), and beat counts it again.
    """

    day = models.DateField(primary_key=True)
    stale = models.BooleanField(default=False)
    rolled_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "moderation_transparencyday"

    def __str__(self) -> str:
        return f"{self.day} ({'stale' if self.stale else 'rolled up'})"


class DailyReportCount(models.Model):
    day = models.DateField()
    category = models.CharField(max_length=32)
    source = models.CharField(max_length=16)
    count = models.PositiveIntegerField()

    class Meta:
        db_table = "moderation_dailyreportcount"
        constraints = [
            models.UniqueConstraint(fields=["day", "category", "source"], name="daily_report_count_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.count} {self.category} reports by {self.source}"


class DailyCaseCount(models.Model):
    day = models.DateField(unique=True)
    opened = models.PositiveIntegerField()
    linked_by_lineage = models.PositiveIntegerField()

    class Meta:
        db_table = "moderation_dailycasecount"

    def __str__(self) -> str:
        return f"{self.day}: {self.opened} cases opened"


class DailyDecisionCount(models.Model):
    """Decisions made on a day, except rejected proposals, by every dimension the summary reports."""

    day = models.DateField()
    outcome = models.CharField(max_length=16)
    category = models.CharField(max_length=32)
    ground = models.CharField(max_length=16)
    automated_detection = models.BooleanField()
    automated_decision = models.BooleanField()
    approval = models.CharField(max_length=16)
    count = models.PositiveIntegerField()

    class Meta:
        db_table = "moderation_dailydecisioncount"
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "day",
                    "outcome",
                    "category",
                    "ground",
                    "automated_detection",
                    "automated_decision",
                    "approval",
                ],
                name="daily_decision_count_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.count} {self.outcome} {self.category} decisions"


class DailyActionCount(models.Model):
    """Actions of the effective decisions made on a day (the decision's day, not the action's)."""

    day = models.DateField()
    kind = models.CharField(max_length=32)
    count = models.PositiveIntegerField()

    class Meta:
        db_table = "moderation_dailyactioncount"
        constraints = [models.UniqueConstraint(fields=["day", "kind"], name="daily_action_count_unique")]

    def __str__(self) -> str:
        return f"{self.day}: {self.count} {self.kind} actions"


class DailyHoursToDecision(models.Model):
    """How many of a day's decisions came how long after their case opened: a histogram whose
    buckets are defined in transparency.histogram."""

    day = models.DateField()
    bucket = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        db_table = "moderation_dailyhourstodecision"
        constraints = [models.UniqueConstraint(fields=["day", "bucket"], name="daily_hours_to_decision_unique")]

    def __str__(self) -> str:
        return f"{self.day}: {self.count} decisions in bucket {self.bucket}"
