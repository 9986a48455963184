# Scanner runs (for the rescan sweep), false positives, per-verdict automation; and the copy of each
# file's verdict the hub app keeps (hub 0004), filled from the verdicts already recorded.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def runs_and_copies_fill(apps, schema_editor):
    FileScan = apps.get_model("scanning", "FileScan")
    ScannerRun = apps.get_model("scanning", "ScannerRun")
    RepositoryFile = apps.get_model("hub", "RepositoryFile")
    for scan in FileScan.objects.iterator():
        ScannerRun.objects.bulk_create(
            [
                ScannerRun(scan=scan, name=r["name"], version=r["version"], verdict=r.get("verdict", ""))
                for r in scan.scanners
                if r.get("name")
            ],
            ignore_conflicts=True,
        )
        RepositoryFile.objects.filter(sha256=scan.sha256).update(scan_verdict=scan.verdict)
    RepositoryFile.objects.filter(url="").update(scan_verdict="skipped")


class Migration(migrations.Migration):
    dependencies = [
        ("scanning", "0001_initial"),
        ("hub", "0004_repositoryfile_scan_verdict"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="VerdictAutomation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("verdict", models.CharField(choices=[("dangerous", "Dangerous")], max_length=16, unique=True)),
                (
                    "actions",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text='What to do at once, e.g. ["gate"]: the repository is gated until a moderator decides. Empty: a moderator decides. Automated decisions stop when the circuit breaker trips.',
                    ),
                ),
                ("enabled", models.BooleanField(default=False)),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.AddField(
            model_name="filescan",
            name="rescan_requested_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name="FalsePositive",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("sha256", models.CharField(max_length=64)),
                ("scanner", models.CharField(max_length=64)),
                ("version", models.CharField(max_length=200)),
                ("reason", models.TextField(help_text="Why the finding is wrong: what the moderator checked.")),
                (
                    "case_id",
                    models.BigIntegerField(
                        blank=True, help_text="The case the moderator was deciding, if any.", null=True
                    ),
                ),
                (
                    "marked_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("sha256", "scanner", "version"), name="false_positive_unique_per_version"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ScannerRun",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=64)),
                ("version", models.CharField(max_length=200)),
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
                        max_length=16,
                    ),
                ),
                (
                    "scan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="runs", to="scanning.filescan"
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["name", "version"], name="scanner_run_version_idx")],
                "constraints": [models.UniqueConstraint(fields=("scan", "name"), name="scanner_run_unique_per_scan")],
            },
        ),
        migrations.RunPython(runs_and_copies_fill, migrations.RunPython.noop),
    ]
