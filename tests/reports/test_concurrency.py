"""Twenty reports on one subject and category, filed at the same instant from twenty processes,
open exactly one case holding all twenty: the database enforces it, not luck."""

import multiprocessing

import pytest
from django.db import connection, connections

from moderation.models import Case
from reports.models import Report
from tests.factories import RepositoryFactory

pytestmark = pytest.mark.postgres
PROCESSES = 20


def _file_one(barrier, full_name, results):
    from hubmod.actors import Actor
    from reports.services import Origin, ReporterIdentity, Subject, report_file

    connections.close_all()  # a fresh connection of our own, never the parent's
    barrier.wait()
    try:
        report, _ = report_file(
            actor=Actor.reporter(),
            subject=Subject("repository", full_name),
            category="other",
            details={"explanation": "Parallel."},
            reporter=ReporterIdentity(),
            origin=Origin(source="api", client_address="192.0.2.1"),
        )
        results.put(("ok", report.case_id))
    except Exception as exc:  # reported back to the test, which fails on it
        results.put(("error", repr(exc)))
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_parallel_reports_on_one_subject_open_exactly_one_case():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writers, so there is no race to test")
    repo = RepositoryFactory()
    connections.close_all()
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(PROCESSES), context.Queue()
    workers = [context.Process(target=_file_one, args=(barrier, repo.full_name, results)) for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(30)

    assert [o for o in outcomes if o[0] == "error"] == []
    assert len({case_id for _, case_id in outcomes}) == 1
    assert Case.objects.count() == 1
    assert Report.objects.filter(case=Case.objects.get()).count() == PROCESSES
