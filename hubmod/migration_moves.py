"""Moving a model from one app to another without touching its table or its rows.

The model keeps its table (`Meta.db_table`), so the move is state-only: the new app creates the
model in its migration state, the old app deletes it from its own, and neither runs SQL on the
table. What does change is the model's content type, and with it every permission granted on the
model (roles, a hub admin's own grants): `content_types_move` renames the content type in place, so
those grants follow the model instead of being orphaned beside a new, empty content type.
Landed migrations import this module: keep its names.
"""

from django.db import migrations


def content_types_move(from_app: str, to_app: str, models: list[str]) -> migrations.RunPython:
    names = [name.lower() for name in models]

    def forwards(apps, schema_editor):
        content_type = apps.get_model("contenttypes", "ContentType")
        content_type.objects.using(schema_editor.connection.alias).filter(app_label=from_app, model__in=names).update(
            app_label=to_app
        )

    def backwards(apps, schema_editor):
        content_type = apps.get_model("contenttypes", "ContentType")
        content_type.objects.using(schema_editor.connection.alias).filter(app_label=to_app, model__in=names).update(
            app_label=from_app
        )

    return migrations.RunPython(forwards, backwards, elidable=False)
