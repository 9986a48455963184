# The hub's policy moved here from moderation: its tables and rows stay as they are
# (hubmod.migration_moves explains the state-only move).

import django.db.models.deletion
from django.db import migrations, models

from hubmod.migration_moves import content_types_move


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("moderation", "0013_stafftoken_moved_to_staff"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PolicyVersion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("version", models.CharField(max_length=32, unique=True)),
                        ("effective_at", models.DateTimeField()),
                        ("summary", models.TextField(blank=True)),
                    ],
                    options={
                        "db_table": "moderation_policyversion",
                        "ordering": ["-effective_at"],
                    },
                ),
                migrations.CreateModel(
                    name="SlaRule",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("category", models.CharField(max_length=32, unique=True)),
                        ("priority", models.PositiveSmallIntegerField(help_text="Higher is more urgent.")),
                        ("hours_to_decision", models.PositiveIntegerField()),
                        (
                            "escalate_after_hours",
                            models.PositiveIntegerField(
                                default=24,
                                help_text="Hours past due before beat escalates an undecided case to senior moderators.",
                            ),
                        ),
                        (
                            "severity",
                            models.CharField(
                                choices=[
                                    ("low", "Low"),
                                    ("medium", "Medium"),
                                    ("high", "High"),
                                    ("critical", "Critical"),
                                ],
                                default="medium",
                                max_length=16,
                            ),
                        ),
                        (
                            "four_eyes",
                            models.BooleanField(
                                default=False,
                                help_text="Every decision in this category takes effect only after a second approval.",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "SLA rule",
                        "db_table": "moderation_slarule",
                        "ordering": ["-priority", "category"],
                    },
                ),
                migrations.CreateModel(
                    name="StatementTemplate",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("category", models.CharField(max_length=32, unique=True)),
                        ("text", models.TextField()),
                    ],
                    options={
                        "db_table": "moderation_statementtemplate",
                    },
                ),
                migrations.CreateModel(
                    name="NoticeTemplate",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("statement_of_reasons", "Statement Of Reasons"),
                                    ("report_outcome", "Report Outcome"),
                                    ("appeal_outcome", "Appeal Outcome"),
                                ],
                                max_length=32,
                            ),
                        ),
                        (
                            "language",
                            models.CharField(
                                choices=[("en", "English"), ("de", "Deutsch")], default="en", max_length=16
                            ),
                        ),
                        ("subject", models.CharField(max_length=200)),
                        ("body", models.TextField()),
                    ],
                    options={
                        "db_table": "moderation_noticetemplate",
                        "constraints": [
                            models.UniqueConstraint(fields=("kind", "language"), name="notice_template_unique_language")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="StrikeRule",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "severity",
                            models.CharField(
                                choices=[
                                    ("low", "Low"),
                                    ("medium", "Medium"),
                                    ("high", "High"),
                                    ("critical", "Critical"),
                                ],
                                max_length=16,
                            ),
                        ),
                        (
                            "intent",
                            models.CharField(
                                choices=[
                                    ("inadvertent", "Inadvertent"),
                                    ("deliberate", "Deliberate"),
                                    ("unknown", "Unknown"),
                                ],
                                max_length=16,
                            ),
                        ),
                        ("min_active_strikes", models.PositiveSmallIntegerField(default=0)),
                        (
                            "actions",
                            models.JSONField(
                                help_text='Recommended action kinds, e.g. ["warn"] or ["disable", "restrict_account"].'
                            ),
                        ),
                        (
                            "strike_days",
                            models.PositiveIntegerField(
                                default=90, help_text="How long a strike from such a decision lasts."
                            ),
                        ),
                    ],
                    options={
                        "db_table": "moderation_strikerule",
                        "ordering": ["severity", "intent", "min_active_strikes"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("severity", "intent", "min_active_strikes"), name="strike_rule_unique_rung"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="PolicySection",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("key", models.SlugField(max_length=64)),
                        ("title", models.CharField(max_length=200)),
                        ("text", models.TextField()),
                        (
                            "allowed_examples",
                            models.JSONField(
                                blank=True, default=list, help_text="Examples of what this section allows."
                            ),
                        ),
                        (
                            "prohibited_examples",
                            models.JSONField(
                                blank=True, default=list, help_text="Examples of what this section prohibits."
                            ),
                        ),
                        (
                            "policy",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="sections",
                                to="policy.policyversion",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "moderation_policysection",
                        "ordering": ["policy", "key"],
                        "constraints": [
                            models.UniqueConstraint(fields=("policy", "key"), name="policy_section_unique_key")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        content_types_move(
            "moderation",
            "policy",
            ["PolicyVersion", "PolicySection", "SlaRule", "StrikeRule", "StatementTemplate", "NoticeTemplate"],
        ),
    ]
