# A file may say where hubmod can download it to scan it (API.md, artifact scanning).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hub", "0002_review_release_language_events"),
    ]

    operations = [
        migrations.AddField(
            model_name="repositoryfile",
            name="url",
            field=models.URLField(
                blank=True,
                help_text="Where hubmod may download the file to scan it (the hub's choice).",
                max_length=2000,
            ),
        ),
    ]
