# IdempotentRequest moved here from reports: its table and rows stay as they are
# (hubmod.migration_moves explains the state-only move).

from django.db import migrations, models

from hubmod.migration_moves import content_types_move


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("reports", "0009_reporter_flagger_credentials"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IdempotentRequest",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("endpoint", models.CharField(max_length=32)),
                        (
                            "caller",
                            models.CharField(
                                help_text='Whose key it is: "hub:<key id>", "user:<id>" or "anonymous".', max_length=160
                            ),
                        ),
                        ("key", models.CharField(max_length=255)),
                        ("body_sha256", models.CharField(max_length=64)),
                        ("status_code", models.PositiveSmallIntegerField()),
                        ("response", models.JSONField()),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                    ],
                    options={
                        "db_table": "reports_idempotentrequest",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("endpoint", "caller", "key"), name="idempotency_key_once_per_caller"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        content_types_move("reports", "idempotency", ["IdempotentRequest"]),
    ]
