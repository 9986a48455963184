# A revision's first publication, for rolling a compromised repository back to before a given
# time. Snapshots kept before this field existed know only their latest sync: the best there is.

import django.utils.timezone
from django.db import migrations, models
from django.db.models import F


def first_sync_from_last(apps, schema_editor):
    apps.get_model("hub", "RepositoryRevision").objects.update(first_synced_at=F("synced_at"))


class Migration(migrations.Migration):
    dependencies = [("hub", "0007_protected_names")]

    operations = [
        migrations.AddField(
            model_name="repositoryrevision",
            name="first_synced_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.RunPython(first_sync_from_last, migrations.RunPython.noop),
    ]
