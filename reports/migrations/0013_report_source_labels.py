# The report sources' labels, translated (no change to the table).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0012_report_outcome_sought"),
    ]

    operations = [
        migrations.AlterField(
            model_name="report",
            name="source",
            field=models.CharField(
                choices=[("form", "Form"), ("api", "API"), ("hub", "Hub"), ("automated", "Automated")], max_length=16
            ),
        ),
    ]
