# The policy's and transparency's models now belong to the apps policy and transparency; their
# tables stay (a state-only move), and Decision.policy_section points at the same table as before.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0013_stafftoken_moved_to_staff"),
        ("policy", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name="DailyActionCount",
                ),
                migrations.DeleteModel(
                    name="DailyCaseCount",
                ),
                migrations.DeleteModel(
                    name="DailyDecisionCount",
                ),
                migrations.DeleteModel(
                    name="DailyHoursToDecision",
                ),
                migrations.DeleteModel(
                    name="DailyReportCount",
                ),
                migrations.DeleteModel(
                    name="NoticeTemplate",
                ),
                migrations.RemoveField(
                    model_name="policysection",
                    name="policy",
                ),
                migrations.AlterField(
                    model_name="decision",
                    name="policy_section",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="policy.policysection",
                    ),
                ),
                migrations.DeleteModel(
                    name="SlaRule",
                ),
                migrations.RemoveField(
                    model_name="statementsubmission",
                    name="decision",
                ),
                migrations.DeleteModel(
                    name="StatementTemplate",
                ),
                migrations.DeleteModel(
                    name="StrikeRule",
                ),
                migrations.DeleteModel(
                    name="TransparencyDay",
                ),
                migrations.DeleteModel(
                    name="PolicyVersion",
                ),
                migrations.DeleteModel(
                    name="PolicySection",
                ),
                migrations.DeleteModel(
                    name="StatementSubmission",
                ),
            ],
            database_operations=[],
        ),
    ]
