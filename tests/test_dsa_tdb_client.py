"""Submission to the DSA Transparency Database, against a real HTTP server on 127.0.0.1 that
answers as the database's own code does (tests/dsa_tdb.py): batches of at most 100, all-or-nothing
answers, the per-statement 422s, the duplicate-puid 422 with `existing_puids`, ids and permalinks
kept, nothing personal sent; and nothing a refusal names holds back the rest."""

import json

import pytest

from hubmod.audit.log import trail
from moderation.models import Decision
from tests.conftest import api_for
from tests.dsa_tdb import FakeTransparencyDatabase
from tests.factories import RepositoryFactory, moderator
from tests.reports.samples import IDENTITY
from tests.test_transparency import decide, file
from transparency.models import StatementSubmission
from transparency.statements import puid
from transparency.tdb import statements_submit_batch


@pytest.fixture
def tdb(settings):
    server = FakeTransparencyDatabase(token="X|token")
    settings.DSA_TDB_ENABLED, settings.DSA_TDB_URL, settings.DSA_TDB_TOKEN = True, server.url, "X|token"
    settings.REPORT_RATE_PER_ADDRESS = settings.REPORT_RATE_PER_REPORTER = "1000/h"
    yield server
    server.stop()


def make_decisions(n, category="spam", ground="spam"):
    mod = api_for(moderator())
    for _ in range(n):
        decide(mod, file(RepositoryFactory(), category)["case_id"], ["warn"], {"policy_section": ground})


def submitted() -> set[str]:
    return set(StatementSubmission.objects.exclude(submitted_at=None).values_list("puid", flat=True))


@pytest.mark.django_db
def test_statements_go_in_batches_of_100_and_keep_their_ids_and_permalinks(seeded, hub_receiver, tdb):
    make_decisions(101)

    first, second, third = statements_submit_batch(), statements_submit_batch(), statements_submit_batch()

    assert [len(batch) for batch in tdb.batches] == [100, 1]
    assert (first.created, second.created, third.sent) == (100, 1, 0)
    assert len(tdb.held) == 101
    submission = StatementSubmission.objects.order_by("id").first()
    assert submission.tdb_uuid
    assert submission.permalink == f"{tdb.base}/statement/{submission.tdb_uuid}"
    assert trail(submission).filter(verb="statement.submitted").count() == 1
    sent = json.dumps(tdb.batches)
    assert IDENTITY["email"] not in sent
    assert IDENTITY["name"] not in sent


@pytest.mark.django_db
def test_a_puid_the_database_already_holds_counts_as_submitted_and_the_rest_go_in_the_same_run(
    seeded, hub_receiver, tdb
):
    make_decisions(3)
    first = Decision.objects.order_by("id").first()
    tdb.held.add(puid(first))  # our 201 for it was lost on the way back

    result = statements_submit_batch()

    assert tdb.answers[0][0] == 422
    assert tdb.answers[0][1]["errors"]["existing_puids"] == [puid(first)]
    assert (result.already_there, result.created, result.refused) == (1, 2, 0)
    assert submitted() == {puid(d) for d in Decision.objects.all()}
    assert [len(batch) for batch in tdb.batches] == [3, 2]
    assert statements_submit_batch().sent == 0  # nothing stalls, nothing goes twice


@pytest.mark.django_db
def test_a_statement_the_database_refuses_is_recorded_and_does_not_hold_back_the_others(seeded, hub_receiver, tdb):
    make_decisions(2)
    make_decisions(1, category="copyright", ground="copyright")
    tdb.removed = frozenset({"STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS"})  # a rule change
    refused = Decision.objects.get(case__category="copyright")

    result = statements_submit_batch()

    assert tdb.answers[0] == (422, {"errors": {"statement_2": {"category": ["The selected category is invalid."]}}})
    assert (result.created, result.refused) == (2, 1)
    assert submitted() == {puid(d) for d in Decision.objects.exclude(pk=refused.pk)}
    held_back = StatementSubmission.objects.get(decision=refused)
    assert held_back.submitted_at is None
    assert held_back.attempts == 1
    assert "category" in held_back.last_error
    # A later decision goes out ahead of the one still refused, and the refused one is tried again.
    make_decisions(1)
    later = statements_submit_batch()
    assert later.created == 1
    assert tdb.batches[-1][0]["puid"] != puid(refused)
    assert StatementSubmission.objects.get(decision=refused).attempts == 2


@pytest.mark.django_db
def test_a_refused_statement_and_a_held_puid_in_one_batch_are_both_taken_out_and_the_rest_sent(
    seeded, hub_receiver, tdb
):
    make_decisions(2)
    make_decisions(1, category="copyright", ground="copyright")
    tdb.removed = frozenset({"STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS"})
    first = Decision.objects.order_by("id").first()
    tdb.held.add(puid(first))

    result = statements_submit_batch()

    assert [status for status, _ in tdb.answers] == [422, 422, 201]
    assert (result.refused, result.already_there, result.created) == (1, 1, 1)
    assert len(submitted()) == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "answer",
    [
        (500, {"message": "Server Error"}),
        (429, {"message": "Too Many Attempts."}),
        (401, {"message": "Unauthenticated."}),
    ],
)
def test_a_batch_refused_whole_is_recorded_on_each_and_sent_again_next_time(seeded, hub_receiver, tdb, answer):
    make_decisions(2)
    tdb.answer_next.append(answer)

    failed = statements_submit_batch()

    assert failed.created == 0
    assert str(answer[0]) in failed.error
    assert list(StatementSubmission.objects.values_list("attempts", "submitted_at")) == [(1, None), (1, None)]
    assert statements_submit_batch().created == 2


@pytest.mark.django_db
def test_a_wrong_token_is_a_401_recorded_and_nothing_is_marked_sent(seeded, hub_receiver, tdb, settings):
    settings.DSA_TDB_TOKEN = "wrong"
    make_decisions(1)

    result = statements_submit_batch()

    assert "HTTP 401" in result.error
    assert submitted() == set()


@pytest.mark.django_db
def test_nothing_is_sent_when_switched_off(seeded, hub_receiver, tdb, settings):
    settings.DSA_TDB_ENABLED = False
    make_decisions(1)

    assert statements_submit_batch().sent == 0
    assert tdb.batches == []


@pytest.mark.django_db
def test_an_unreachable_database_is_recorded_and_retried(seeded, hub_receiver, settings):
    settings.DSA_TDB_ENABLED, settings.DSA_TDB_URL, settings.DSA_TDB_TOKEN = True, "http://127.0.0.1:9/api/v1", "t"
    make_decisions(1)

    result = statements_submit_batch()

    assert result.created == 0
    assert StatementSubmission.objects.get().attempts == 1
    assert StatementSubmission.objects.get().submitted_at is None
