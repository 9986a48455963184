# Transparency's models moved here from moderation: their tables and rows stay as they are
# (hubmod.migration_moves explains the state-only move).

import django.db.models.deletion
from django.db import migrations, models

from hubmod.migration_moves import content_types_move


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("moderation", "0014_policy_and_transparency_moved_out"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DailyCaseCount",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("day", models.DateField(unique=True)),
                        ("opened", models.PositiveIntegerField()),
                        ("linked_by_lineage", models.PositiveIntegerField()),
                    ],
                    options={
                        "db_table": "moderation_dailycasecount",
                    },
                ),
                migrations.CreateModel(
                    name="TransparencyDay",
                    fields=[
                        ("day", models.DateField(primary_key=True, serialize=False)),
                        ("stale", models.BooleanField(default=False)),
                        ("rolled_up_at", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        "db_table": "moderation_transparencyday",
                    },
                ),
                migrations.CreateModel(
                    name="DailyActionCount",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("day", models.DateField()),
                        ("kind", models.CharField(max_length=32)),
                        ("count", models.PositiveIntegerField()),
                    ],
                    options={
                        "db_table": "moderation_dailyactioncount",
                        "constraints": [
                            models.UniqueConstraint(fields=("day", "kind"), name="daily_action_count_unique")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="DailyDecisionCount",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("day", models.DateField()),
                        ("outcome", models.CharField(max_length=16)),
                        ("category", models.CharField(max_length=32)),
                        ("ground", models.CharField(max_length=16)),
                        ("automated_detection", models.BooleanField()),
                        ("automated_decision", models.BooleanField()),
                        ("approval", models.CharField(max_length=16)),
                        ("count", models.PositiveIntegerField()),
                    ],
                    options={
                        "db_table": "moderation_dailydecisioncount",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=(
                                    "day",
                                    "outcome",
                                    "category",
                                    "ground",
                                    "automated_detection",
                                    "automated_decision",
                                    "approval",
                                ),
                                name="daily_decision_count_unique",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="DailyHoursToDecision",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("day", models.DateField()),
                        ("bucket", models.PositiveSmallIntegerField()),
                        ("count", models.PositiveIntegerField()),
                    ],
                    options={
                        "db_table": "moderation_dailyhourstodecision",
                        "constraints": [
                            models.UniqueConstraint(fields=("day", "bucket"), name="daily_hours_to_decision_unique")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="DailyReportCount",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("day", models.DateField()),
                        ("category", models.CharField(max_length=32)),
                        ("source", models.CharField(max_length=16)),
                        ("count", models.PositiveIntegerField()),
                    ],
                    options={
                        "db_table": "moderation_dailyreportcount",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("day", "category", "source"), name="daily_report_count_unique"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="StatementSubmission",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("puid", models.CharField(max_length=500, unique=True)),
                        ("tdb_uuid", models.CharField(blank=True, max_length=64)),
                        ("permalink", models.URLField(blank=True, max_length=500)),
                        ("submitted_at", models.DateTimeField(blank=True, null=True)),
                        ("attempts", models.PositiveIntegerField(default=0)),
                        ("last_error", models.TextField(blank=True)),
                        (
                            "decision",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="tdb_submission",
                                to="moderation.decision",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "moderation_statementsubmission",
                    },
                ),
            ],
            database_operations=[],
        ),
        content_types_move(
            "moderation",
            "transparency",
            [
                "StatementSubmission",
                "TransparencyDay",
                "DailyReportCount",
                "DailyCaseCount",
                "DailyDecisionCount",
                "DailyActionCount",
                "DailyHoursToDecision",
            ],
        ),
    ]
