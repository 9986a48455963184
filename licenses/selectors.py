from django.db.models import Prefetch, QuerySet

from licenses.models import License, LicenseClause


def license_list() -> QuerySet[License]:
    return License.objects.prefetch_related(Prefetch("clauses", queryset=LicenseClause.objects.order_by("ref")))


def actionable_clause_get(*, clause_id: int) -> LicenseClause | None:
    return (
        LicenseClause.objects.select_related("license")
        .filter(pk=clause_id, actionable=True, license__actionable=True)
        .first()
    )
