# Texts a moderator starts from: statements per action and questions to the uploader, per language.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("policy", "0002_statement_lists_automated_findings"),
    ]

    operations = [
        migrations.CreateModel(
            name="MessageTemplate",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "kind",
                    models.CharField(choices=[("statement", "Statement"), ("question", "Question")], max_length=16),
                ),
                ("name", models.CharField(max_length=80)),
                (
                    "action",
                    models.CharField(
                        blank=True,
                        help_text="The action it is the default for (or 'dismiss'); blank: any.",
                        max_length=32,
                    ),
                ),
                (
                    "category",
                    models.CharField(blank=True, help_text="The report category it fits; blank: any.", max_length=32),
                ),
                (
                    "language",
                    models.CharField(choices=[("en", "English"), ("de", "Deutsch")], default="en", max_length=16),
                ),
                ("text", models.TextField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("kind", "name", "language"), name="message_template_unique_name")
                ],
            },
        ),
    ]
