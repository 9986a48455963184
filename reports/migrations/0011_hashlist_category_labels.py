# Hash lists name their category with the report categories' labels (hubmod.categories); no SQL.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0010_idempotentrequest_moved_to_hubmod"),
    ]

    operations = [
        migrations.AlterField(
            model_name="hashlist",
            name="category",
            field=models.CharField(
                choices=[
                    ("malicious_code", "Malicious code"),
                    ("child_safety", "Child safety"),
                    ("private_information", "Private information or secrets"),
                    ("spam", "Spam or manipulation"),
                    ("other", "Something else"),
                ],
                max_length=32,
            ),
        ),
    ]
