# The staff token moved here from moderation: its table and rows stay as they are
# (hubmod.migration_moves explains the state-only move).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from hubmod.migration_moves import content_types_move


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        ("moderation", "0012_transparency_rollups"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="StaffToken",
                    fields=[
                        (
                            "id",
                            models.CharField(
                                editable=False, max_length=150, primary_key=True, serialize=False, unique=True
                            ),
                        ),
                        ("prefix", models.CharField(editable=False, max_length=8, unique=True)),
                        ("hashed_key", models.CharField(editable=False, max_length=150)),
                        ("created", models.DateTimeField(auto_now_add=True, db_index=True)),
                        (
                            "name",
                            models.CharField(
                                default=None,
                                help_text="A free-form name for the API key. Need not be unique. 50 characters max.",
                                max_length=50,
                            ),
                        ),
                        (
                            "revoked",
                            models.BooleanField(
                                blank=True,
                                default=False,
                                help_text="If the API key is revoked, clients cannot use it anymore. (This cannot be undone.)",
                            ),
                        ),
                        (
                            "expiry_date",
                            models.DateTimeField(
                                blank=True,
                                help_text="Once API key expires, clients cannot use it anymore.",
                                null=True,
                                verbose_name="Expires",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="api_tokens",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "staff API token",
                        "verbose_name_plural": "API keys",
                        "db_table": "moderation_stafftoken",
                        "ordering": ("-created",),
                        "abstract": False,
                    },
                ),
            ],
            database_operations=[],
        ),
        content_types_move("moderation", "staff", ["StaffToken"]),
    ]
