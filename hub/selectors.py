from django.db.models import Count, Q, QuerySet

from hub.models import Repository


def repository_get(*, full_name: str) -> Repository | None:
    """The repository with its lineage, files and open case count, in three queries."""
    return (
        Repository.objects.filter(full_name=full_name)
        .select_related("owner")
        .prefetch_related("base_links", "files")
        .annotate(open_cases=Count("cases", filter=~Q(cases__state="resolved")))
        .first()
    )


def repositories_with_file_hashes(*, sha256s: list[str]) -> QuerySet[Repository]:
    return Repository.objects.filter(files__sha256__in=sha256s).distinct()
