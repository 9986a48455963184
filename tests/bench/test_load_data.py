"""`manage.py generate_load_data` at scale 0.001: proportional, valid, repeatable."""

import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count, Max, Q

from hub.models import Account, BaseModelLink, Repository
from hub.selectors import repository_descendants
from moderation.models import OPEN_CASE_STATES, Case, Decision, EnforcementAction
from reports.categories import CATEGORIES
from reports.load_data import FOUNDATION, Sizes
from reports.models import Report
from reports.serializers import details_validate

SCALE = "0.001"
ANCHOR = "2026-11-01"


def _load(*args: str) -> str:
    out = StringIO()
    call_command("generate_load_data", "--scale", SCALE, "--anchor", ANCHOR, *args, stdout=out)
    return out.getvalue()


def _digest() -> str:
    """The load data by natural keys, so it compares across databases whose ids differ."""
    rows = [
        list(Repository.objects.order_by("full_name").values_list("full_name", "kind", "license_key", "revision")),
        list(BaseModelLink.objects.order_by("repository__full_name", "base_full_name").values_list(
            "repository__full_name", "base_full_name", "relation"
        )),
        list(Case.objects.order_by("created_at", "id").values_list(
            "repository__full_name", "account__handle", "category", "state", "priority", "due_at", "resolved_at"
        )),
        list(Report.objects.order_by("created_at", "id").values_list(
            "case__created_at", "source", "subject_ref", "details", "reporter_key", "receipt_digest", "created_at"
        )),
        list(Decision.objects.order_by("created_at", "id").values_list(
            "case__created_at", "outcome", "ground_label", "decided_by__username", "requested_actions", "created_at"
        )),
        list(EnforcementAction.objects.order_by("created_at", "id").values_list(
            "kind", "idempotency_key", "applied_at"
        )),
    ]  # fmt: skip
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.mark.postgres
def test_load_is_proportional_valid_and_has_the_big_lineage_tree(seeded):
    """Counts follow the scale, every constraint and report form holds, and the foundation model has
    exactly the scaled number of descendants at depths 1 to 4."""
    sizes = Sizes.for_scale(float(SCALE))
    assert (sizes.accounts, sizes.repositories, sizes.cases, sizes.open_cases) == (20, 100, 250, 50)
    assert (sizes.reports, sizes.decisions, sizes.big_tree) == (1000, 1000, 10)

    output = _load()

    assert "reports_report" in output
    assert Account.objects.filter(handle__startswith="load-").count() == sizes.accounts + 1
    assert Repository.objects.count() == sizes.repositories
    assert Case.objects.count() == sizes.cases
    assert Case.objects.filter(state__in=["open", "in_review"]).count() == sizes.open_cases
    assert Case.objects.filter(state="resolved").count() == sizes.cases - sizes.open_cases
    assert Report.objects.count() == sizes.reports
    assert Decision.objects.count() == sizes.decisions
    assert (
        EnforcementAction.objects.filter(state="applied").count() == Decision.objects.filter(outcome="actioned").count()
    )
    assert not Case.objects.annotate(n=Count("reports")).filter(n=0).exists()
    assert not Case.objects.filter(state="resolved").annotate(n=Count("decisions")).filter(n=0).exists()
    assert Case.objects.annotate(n=Count("reports")).aggregate(top=Max("n"))["top"] > 4  # skewed

    # Deferred foreign keys and the check constraints, checked now rather than at the test's rollback.
    connection.check_constraints()
    duplicates = (
        Case.objects.filter(state__in=OPEN_CASE_STATES)
        .values("repository", "account", "category")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not duplicates.exists()
    assert not Decision.objects.filter(policy_section__isnull=False, license_clause__isnull=False).exists()
    assert not Decision.objects.filter(
        Q(outcome="actioned"), policy_section__isnull=True, license_clause__isnull=True
    ).exists()
    assert not Decision.objects.filter(appeal_deadline__isnull=True).exists()

    for category, details in Report.objects.values_list("category", "details").distinct():
        details_validate(CATEGORIES[category], details)

    foundation = Repository.objects.get(full_name=FOUNDATION)
    descendants = repository_descendants(foundation)
    assert len(descendants) == sizes.big_tree
    assert {relative.depth for relative in descendants} <= {1, 2, 3, 4}
    assert sum(relative.depth == 1 for relative in descendants) == sizes.big_tree_direct


@pytest.mark.postgres
def test_if_empty_inserts_nothing_the_second_time(seeded):
    _load()
    counts = (Repository.objects.count(), Case.objects.count(), Report.objects.count(), Decision.objects.count())

    output = _load("--if-empty")

    assert "already present" in output
    assert (Repository.objects.count(), Case.objects.count(), Report.objects.count(), Decision.objects.count()) == (
        counts
    )
    with pytest.raises(CommandError, match="already present"):
        _load()


@pytest.mark.postgres
def test_the_same_seed_gives_the_same_data(seeded):
    digests = []
    for seed in ("1", "1", "2"):
        with transaction.atomic():
            _load("--seed", seed)
            digests.append(_digest())
            transaction.set_rollback(True)

    assert digests[0] == digests[1]
    assert digests[0] != digests[2]
