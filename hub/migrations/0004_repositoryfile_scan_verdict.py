# A copy of each file's scan verdict beside the file (scanning keeps the verdict per content).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hub", "0003_repository_file_url"),
    ]

    operations = [
        migrations.AddField(
            model_name="repositoryfile",
            name="scan_verdict",
            field=models.CharField(
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
    ]
