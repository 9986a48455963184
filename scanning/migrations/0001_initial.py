# Artifact scanning: one verdict per file content (sha256), API.md.

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="FileScan",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("sha256", models.CharField(max_length=64, unique=True)),
                ("size", models.BigIntegerField(blank=True, null=True)),
                (
                    "verdict",
                    models.CharField(
                        choices=[
                            ("clean", "Clean"),
                            ("skipped", "Skipped"),
                            ("pending", "Pending"),
                            ("error", "Error"),
                            ("suspicious", "Suspicious"),
                            ("dangerous", "Dangerous"),
                        ],
                        default="pending",
                        max_length=16,
                    ),
                ),
                (
                    "reason",
                    models.TextField(blank=True, help_text="Why an error or a skip: what a moderator can act on."),
                ),
                ("scanners", models.JSONField(blank=True, default=list)),
                ("scanned_at", models.DateTimeField(blank=True, null=True)),
                ("attempts", models.PositiveIntegerField(default=0)),
            ],
            options={
                "indexes": [models.Index(fields=["verdict", "scanned_at"], name="file_scan_verdict_idx")],
            },
        ),
    ]
