"""Query counts pinned for the hot paths, so an N+1 or an extra round trip fails a test here
rather than a benchmark later. The counts do not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from moderation.services.cases import case_for_report
from reports.models import Report
from tests.conftest import api_for
from tests.factories import RepositoryFactory, moderator


def queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code < 400, response.content[:300]
    return len(captured)


def file_other(repo):
    return APIClient().post(
        "/api/v1/reports",
        {"subject": {"type": "repository", "id": repo.full_name}, "category": "other", "details": {"explanation": "x"}},
        format="json",
    )


@pytest.mark.django_db
def test_filing_a_report_takes_a_fixed_number_of_queries(seeded):
    repo = RepositoryFactory()
    first = queries(lambda: file_other(repo))  # opens the case
    joining = queries(lambda: file_other(repo))  # joins it (and checks for a surge)

    # Savepoints included: in a request the outer atomic block is a plain BEGIN/COMMIT.
    # Joining on PostgreSQL: the repository with its open and clean cases; the report inserted with
    # the surge count and the audit chain's head locked, in one statement; the head moved and the
    # events inserted, in one statement. Opening adds the case insert in a savepoint, and the SLA
    # table once per process. SQLite, the embedded default, takes each of those steps on its own.
    if connection.vendor == "postgresql":
        assert (first, joining) == (9, 5)
    else:
        assert (first, joining) == (11, 8)


@pytest.mark.django_db
def test_the_queue_page_costs_the_same_for_5_or_50_cases(seeded):
    client = api_for(moderator())
    for _ in range(5):
        case_for_report(repository=RepositoryFactory(), account=None, category="spam")
    small = queries(lambda: client.get("/api/v1/cases"))
    for _ in range(45):
        case_for_report(repository=RepositoryFactory(), account=None, category="spam")
    large = queries(lambda: client.get("/api/v1/cases"))

    assert small == large
    assert large <= 3  # the token with its user, the user's permissions, the page


@pytest.mark.django_db
def test_the_case_page_costs_the_same_for_1_or_10_reports(seeded):
    client = api_for(moderator())
    repo = RepositoryFactory()
    case_id = file_other(repo).json()["case_id"]
    one = queries(lambda: client.get(f"/api/v1/cases/{case_id}"))
    for _ in range(9):
        file_other(repo)
    ten = queries(lambda: client.get(f"/api/v1/cases/{case_id}"))

    assert Report.objects.count() == 10
    assert one == ten
    assert ten <= 30


def _lineage_queries(children: int) -> int:
    from django.utils import timezone

    from hub.models import BaseModelLink
    from moderation.models import Decision
    from moderation.services.lineage import lineage_open_cases
    from policy.models import PolicySection

    base = RepositoryFactory()
    for _ in range(children):
        BaseModelLink.objects.create(repository=RepositoryFactory(), base_full_name=base.full_name, relation="finetune")
    parent = case_for_report(repository=base, account=None, category="other").case
    decision = Decision.objects.create(
        case=parent, outcome="actioned", decided_by=moderator(), appeal_deadline=timezone.now(), ground_label="x",
        statement="x", requested_actions=["disable"], policy_section=PolicySection.objects.first(),
    )  # fmt: skip
    with CaptureQueriesContext(connection) as captured:
        assert lineage_open_cases(decision_id=decision.pk) == children
    return len(captured)


@pytest.mark.django_db
def test_opening_linked_cases_costs_the_same_for_3_or_30_descendants(seeded):
    assert _lineage_queries(3) == _lineage_queries(30)


def _drain_queries(kind: str, count: int) -> tuple[int, int]:
    """Queries one drain of `count` pending actions takes, and how many of them lock the audit chain."""
    from django.utils import timezone

    from moderation.models import Decision, EnforcementAction
    from moderation.services.enforcement import enforcement_drain
    from policy.models import PolicySection

    for _ in range(count):
        case = case_for_report(repository=RepositoryFactory(), account=None, category="other").case
        decision = Decision.objects.create(
            case=case, outcome="actioned", decided_by=moderator(), appeal_deadline=timezone.now(), ground_label="x",
            statement="x", requested_actions=[kind], policy_section=PolicySection.objects.first(),
        )  # fmt: skip
        EnforcementAction.objects.create(decision=decision, kind=kind)
    with CaptureQueriesContext(connection) as captured:
        assert enforcement_drain(parallel=False).applied == count
    assert not EnforcementAction.objects.filter(state="pending").exists()
    chain_locks = sum("audit_auditchainhead" in q["sql"] and "FOR UPDATE" in q["sql"] for q in captured)
    return len(captured), chain_locks


@pytest.mark.django_db
def test_a_batch_of_deliveries_takes_a_fixed_number_of_queries_and_locks_the_audit_chain_once(seeded, hub_receiver):
    # Per batch: claim the actions with their subjects' names, read them as rows, the audit chain
    # (once, however many events), and the savepoint the test's transaction turns the batch's
    # transaction into, and the revocation feed's publication of the batch (revocations.services:
    # the decisions with their cases, the feed's head moved, the signed entries inserted). Per action:
    # move it to applied; a delist also locks its repository and moves it.
    label_1, chain_locks = _drain_queries("label", 1)
    label_10, _ = _drain_queries("label", 10)
    delist_10, delist_chain_locks = _drain_queries("delist", 10)
    per_batch = label_1 - 1

    assert per_batch == (6 + 3 if connection.vendor == "postgresql" else 5 + 3)  # SQLite: no transaction while sending
    assert label_10 == per_batch + 10 * 1
    assert delist_10 == per_batch + 10 * 3
    if connection.vendor == "postgresql":  # SQLite has no row locks; it writes one at a time anyway
        assert (chain_locks, delist_chain_locks) == (1, 1)
