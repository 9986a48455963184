# StaffToken now belongs to hubmod.staff; its table stays (a state-only move).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0012_transparency_rollups"),
        ("staff", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="StaffToken")]),
    ]
