# IdempotentRequest now belongs to hubmod.idempotency; its table stays (a state-only move).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0009_reporter_flagger_credentials"),
        ("idempotency", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="IdempotentRequest")]),
    ]
