# What a reporter asks the hub to do (optional; the moderator decides, and sees it).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0011_hashlist_category_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="outcome_sought",
            field=models.CharField(
                blank=True,
                choices=[
                    ("remove", "Remove it from the hub"),
                    ("restrict", "Restrict who can see or download it"),
                    ("fix", "Have the uploader fix it (license, attribution, model card)"),
                    ("label", "Warn people or label it"),
                    ("review", "Just have someone look at it"),
                ],
                max_length=16,
            ),
        ),
    ]
