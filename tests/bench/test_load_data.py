"""`manage.py generate_load_data` at scale 0.001: proportional, valid, repeatable.

The command belongs to the bench app, which tests/bench/settings.py installs and the product's
settings (those the suite runs under) leave out, so the tests hand `call_command` the command itself.
"""

import hashlib
from io import StringIO

import pytest
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.test import modify_settings

from hub.models import Account, BaseModelLink, Repository
from hub.selectors import repository_descendants
from moderation.models import OPEN_CASE_STATES, Case, Decision, EnforcementAction
from reports.categories import CATEGORIES
from reports.models import Report
from reports.serializers import details_validate
from tests.bench.load_data import FOUNDATION, Sizes
from tests.bench.management.commands.generate_load_data import Command

SCALE = "0.001"
ANCHOR = "2026-11-01"


def _load(*args: str) -> str:
    out = StringIO()
    call_command(Command(), "--scale", SCALE, "--anchor", ANCHOR, *args, stdout=out)
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


def test_the_bench_settings_have_the_command_and_the_product_does_not():
    """`manage.py generate_load_data --settings tests.bench.settings` finds it (tests/bench/run.py runs
    it so); the product's own manage.py has no command that fills its database with synthetic rows."""
    assert "generate_load_data" not in get_commands()

    with modify_settings(INSTALLED_APPS={"append": "tests.bench.apps.BenchConfig"}):
        assert get_commands()["generate_load_data"] == "tests.bench"

    assert "generate_load_data" not in get_commands()
