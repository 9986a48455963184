# Snapshots of a repository's card and file list per revision, so the case page can show the
# revision a report saw and what changed since; each repository's current revision is snapshot
# here from what hubmod holds today (older revisions were never kept, and stay unknown).

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

BATCH = 500


def snapshot_current_revisions(apps, schema_editor):
    Repository = apps.get_model("hub", "Repository")
    RepositoryFile = apps.get_model("hub", "RepositoryFile")
    RepositoryRevision = apps.get_model("hub", "RepositoryRevision")
    now = timezone.now()
    repositories = Repository.objects.exclude(revision="").order_by("pk").values_list("pk", "revision", "card")
    last_pk = 0
    while True:
        batch = list(repositories.filter(pk__gt=last_pk)[:BATCH])
        if not batch:
            return
        last_pk = batch[-1][0]
        files: dict[int, list[dict]] = {pk: [] for pk, _, _ in batch}
        rows = (
            RepositoryFile.objects.filter(repository_id__in=files)
            .order_by("repository_id", "path")
            .values_list("repository_id", "path", "sha256", "size")
        )
        for repository_id, path, sha256, size in rows.iterator(chunk_size=5000):
            files[repository_id].append({"path": path, "sha256": sha256, "size": size})
        RepositoryRevision.objects.bulk_create(
            [
                RepositoryRevision(repository_id=pk, revision=revision, card=card, files=files[pk], synced_at=now)
                for pk, revision, card in batch
            ],
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("hub", "0004_repositoryfile_scan_verdict"),
    ]

    operations = [
        migrations.CreateModel(
            name="RepositoryRevision",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("revision", models.CharField(max_length=64)),
                ("card", models.TextField(blank=True)),
                ("files", models.JSONField(blank=True, default=list)),
                ("synced_at", models.DateTimeField()),
                (
                    "repository",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="revisions",
                        to="hub.repository",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("repository", "revision"), name="repository_revision_unique")
                ],
            },
        ),
        # Nothing to undo: reversing the CreateModel drops the snapshots with their table.
        migrations.RunPython(snapshot_current_revisions, migrations.RunPython.noop, elidable=True),
    ]
