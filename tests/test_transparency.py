"""Transparency: the summary counts exactly what was decided, and every statement of reasons
passes the DSA Transparency Database's own rules (tests/dsa_tdb.py), a page at a time; none of it
names a reporter."""

import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from tests import flows
from tests.conftest import api_for
from tests.dsa_tdb import problems
from tests.factories import RepositoryFactory, appeal_reviewer, moderator
from tests.reports.samples import IDENTITY


def file(repo, category):
    return flows.file(repo, category, reporter=IDENTITY)


def decide(client, case_id, actions, ground):
    return flows.decide(client, case_id, actions=actions, ground=ground, statement="Facts and reasons.",
                        departure_reason="Test.").json()  # fmt: skip


@pytest.fixture
def known_set(seeded, hub_receiver):
    """Three actioned decisions, one dismissal, one four-eyes proposal, two appeals (one overturned)."""
    mod = api_for(moderator())
    copyright_case = file(RepositoryFactory(), "copyright")["case_id"]
    d1 = decide(mod, copyright_case, ["delist"], {"policy_section": "copyright"})
    d2 = decide(mod, file(RepositoryFactory(), "spam")["case_id"], ["warn"], {"policy_section": "spam"})
    d3 = decide(mod, file(RepositoryFactory(), "illegal_content")["case_id"], ["disable", "restrict_account"],
                {"policy_section": "illegal-content"})  # fmt: skip
    dismissed = file(RepositoryFactory(), "other")["case_id"]
    flows.dismiss(mod, dismissed)
    decide(mod, file(RepositoryFactory(), "other")["case_id"], ["suspend_account"], {"policy_section": "harmful-use"})
    from moderation.models import Appeal, Decision

    reviewer = appeal_reviewer()
    for decision_id, outcome in ((d1["decision"]["id"], "overturned"), (d2["decision"]["id"], "upheld")):
        appeal = Appeal.objects.create(decision=Decision.objects.get(pk=decision_id), appellant="uploader",
                                       statement="No.")  # fmt: skip
        api_for(reviewer).post(f"/api/v1/appeals/{appeal.pk}/decide", {"outcome": outcome, "statement": "R."},
                               format="json")  # fmt: skip
    return {"d3": d3}


@pytest.mark.django_db
def test_the_summary_counts_a_known_set_of_decisions_exactly(known_set):
    today = timezone.now().date().isoformat()

    summary = APIClient().get("/api/v1/transparency/summary", {"from": today, "to": today}).json()

    assert summary["reports"]["total"] == 5
    assert summary["reports"]["by_category"] == {"copyright": 1, "spam": 1, "illegal_content": 1, "other": 2}
    assert summary["decisions"]["total"] == 5
    assert summary["decisions"]["by_outcome"] == {"actioned": 4, "dismissed": 1}
    assert summary["decisions"]["awaiting_second_approval"] == 1
    assert summary["actions"]["by_kind"] == {"delist": 1, "warn": 1, "disable": 1, "restrict_account": 1}
    assert summary["appeals"]["total"] == 2
    assert summary["appeals"]["by_outcome"] == {"overturned": 1, "upheld": 1}
    assert summary["appeals"]["reversal_rate"] == 0.5
    assert summary["time_to_decision_hours"]["median"] >= 0
    assert summary["decisions"]["automated_decision"] == 0


def statements(**params) -> list[dict]:
    """Every statement the endpoint gives, following `next` to the end."""
    found, url = [], "/api/v1/transparency/statements-of-reasons"
    while url:
        answer = APIClient().get(url, params).json()
        found += answer["results"]
        url, params = answer["next"], {}
    return found


@pytest.mark.django_db
def test_every_statement_of_reasons_passes_the_transparency_database_validator(known_set):
    answer = APIClient().get("/api/v1/transparency/statements-of-reasons").json()

    assert answer["next"] is None
    found = answer["results"]
    assert len(found) == 3  # actioned and in effect; dismissals and proposals are not restrictions
    for statement in found:
        assert problems(statement) == [], statement
    assert len({s["puid"] for s in found}) == 3
    illegal = next(s for s in found if s["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT"
                   and s["category"] == "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE")  # fmt: skip
    assert illegal["source_type"] == "SOURCE_ARTICLE_16"
    assert illegal["decision_provision"] == "DECISION_PROVISION_PARTIAL_SUSPENSION"
    spam = next(s for s in found if s["category"] == "STATEMENT_CATEGORY_OTHER_VIOLATION_TC")
    assert spam["category_specification"] == ["KEYWORD_OTHER"]
    assert spam["category_specification_other"]


@pytest.mark.django_db
def test_the_statements_page_through_a_cursor_without_repeating_or_skipping(known_set):
    first = APIClient().get("/api/v1/transparency/statements-of-reasons", {"limit": 2}).json()
    second = APIClient().get(first["next"]).json()

    assert len(first["results"]) == 2
    assert len(second["results"]) == 1
    assert second["next"] is None
    puids = [s["puid"] for s in first["results"] + second["results"]]
    assert puids == sorted(puids, key=lambda p: int(p.rsplit("-", 1)[1]))
    assert len(set(puids)) == 3
    assert statements(limit=1) == first["results"] + second["results"]


@pytest.mark.django_db
@pytest.mark.parametrize("cursor", ["garbage", "eyJhIjoxfQ:1abcde:xyz", "", "a" * 600])
def test_a_malformed_cursor_is_a_400_that_says_so(known_set, cursor):
    answer = APIClient().get("/api/v1/transparency/statements-of-reasons", {"cursor": cursor, "limit": 1})

    if cursor == "":  # an empty cursor is no cursor: the first page
        assert answer.status_code == 200
        return
    assert answer.status_code == 400
    assert "cursor" in answer.json()["errors"]


@pytest.mark.django_db
def test_a_cursor_is_for_its_own_period_and_cannot_be_edited(known_set):
    following = APIClient().get("/api/v1/transparency/statements-of-reasons", {"limit": 1}).json()["next"]
    cursor = re.search(r"cursor=([^&]+)", following).group(1)
    from urllib.parse import unquote

    cursor = unquote(cursor)
    tampered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")

    other_period = APIClient().get(
        "/api/v1/transparency/statements-of-reasons", {"cursor": cursor, "from": "2001-01-01", "to": "2001-01-02"}
    )
    edited = APIClient().get("/api/v1/transparency/statements-of-reasons", {"cursor": tampered})

    assert other_period.status_code == 400
    assert "from" in other_period.json()["errors"]
    assert edited.status_code == 400
    assert "cursor" in edited.json()["errors"]


@pytest.mark.django_db
def test_a_page_costs_the_same_queries_however_many_statements_it_holds(known_set):
    def cost(limit):
        with CaptureQueriesContext(connection) as queries:
            answer = APIClient().get("/api/v1/transparency/statements-of-reasons", {"limit": limit})
        assert answer.status_code == 200
        return len(queries), len(answer.json()["results"])

    one, three = cost(1), cost(3)

    assert (one[1], three[1]) == (1, 3)
    assert one[0] == three[0] <= 3  # the decisions (their first report annotated) and the cases' legal grounds


@pytest.mark.django_db
def test_a_period_longer_than_the_summary_allows_pages_through(known_set):
    answer = APIClient().get("/api/v1/transparency/statements-of-reasons", {"from": "2000-01-01"})

    assert answer.status_code == 200
    assert len(answer.json()["results"]) == 3


@pytest.mark.django_db
def test_the_export_command_prints_the_same_statements_as_json_lines(known_set):
    today = timezone.now().date().isoformat()
    out = StringIO()

    call_command("export_statements_of_reasons", "--from", today, "--to", today, stdout=out)

    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) == 3
    assert all(problems(line) == [] for line in lines)
    assert lines == statements(**{"from": today, "to": today})
    with pytest.raises(CommandError):
        call_command("export_statements_of_reasons", "--from", "yesterday", "--to", today, stdout=out)


@pytest.mark.django_db
def test_no_personal_data_in_any_transparency_output(known_set):
    texts = [
        APIClient().get("/api/v1/transparency/summary").content.decode(),
        APIClient().get("/api/v1/transparency/statements-of-reasons").content.decode(),
    ]
    for text in texts:
        assert IDENTITY["name"] not in text
        assert IDENTITY["email"] not in text


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"from": "2026-13-01"}, {"from": "2026-02-01", "to": "2026-01-01"},
                                    {"to": "9999-12-31"}, {"from": "0001-01-01", "to": "0001-01-02"},
                                    {"from": "9999-12-30", "to": "9999-12-31"}, {"from": "garbage"},
                                    {"limit": "0"}, {"limit": "1001"}])  # fmt: skip
@pytest.mark.parametrize("path", ["/api/v1/transparency/summary", "/api/v1/transparency/statements-of-reasons"])
def test_a_bad_period_is_400(path, params):
    if "limit" in params and path.endswith("summary"):
        return  # the summary has no pages
    assert APIClient().get(path, params).status_code == 400


@pytest.mark.django_db
def test_the_summary_longer_than_three_years_is_400():
    assert (
        APIClient().get("/api/v1/transparency/summary", {"from": "2000-01-01", "to": "2026-01-01"}).status_code == 400
    )


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/transparency/summary", "/api/v1/transparency/statements-of-reasons"])
def test_period_errors_name_the_parameters_as_sent(path):
    answer = APIClient().get(path, {"from": "garbage", "to": "nonsense"}).json()

    assert set(answer["errors"]) == {"from", "to"}


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"start": "2026-02-01", "end": "2026-01-01"},
                                    {"from": "2026-02-01", "to": "2026-01-01"}, {"from": "garbage"}])  # fmt: skip
def test_the_page_says_what_to_fix_in_a_bad_period_and_still_shows_figures(client, params):
    answer = client.get("/transparency/", params)
    page = answer.content.decode()

    assert answer.status_code == 400
    assert "Please fix 1 problem" in page
    assert "The period starts after it ends." in page or "Enter a valid date." in page
    assert "the figures below are for the last 90 days" in page
    assert "Reports by category" in page


@pytest.mark.django_db
def test_the_public_page_and_its_downloads(known_set, client):
    today = timezone.now().date().isoformat()

    page = client.get("/transparency/", {"start": today, "end": today}).content.decode()
    as_csv = client.get("/transparency/summary.csv", {"start": today, "end": today}).content.decode()
    as_json = client.get("/transparency/summary.json", {"start": today, "end": today}).json()

    assert "Reports by category" in page
    assert "(accurate to within 1%)" in page  # the durations come from a histogram
    german = client.get("/transparency/", {"start": today, "end": today}, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "(auf 1 % genau)" in german
    assert 'aria-label="1 reports"' in page or 'aria-label="2 reports"' in page
    assert "decisions.total,5" in as_csv
    assert as_json["decisions"]["total"] == 5
    assert client.get("/transparency/summary.xml").status_code == 404
    assert IDENTITY["email"] not in page + as_csv


@pytest.mark.django_db
def test_the_pages_download_links_carry_the_period_it_shows(known_set, client):
    long_ago = "2001-01-01"

    page = client.get("/transparency/", {"start": long_ago, "end": long_ago}).content.decode()
    link = re.search(r'href="(/transparency/summary\.json\?[^"]+)"', page).group(1).replace("&amp;", "&")
    downloaded = client.get(link).json()

    assert downloaded["decisions"]["total"] == 0  # the period asked for, not the last 90 days
    assert f"statements-of-reasons?from={long_ago}&amp;to={long_ago}" in page
