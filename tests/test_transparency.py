"""Transparency: the summary counts exactly what was decided, and every statement of reasons
passes a validator of the DSA Transparency Database's fields; none of it names a reporter."""

import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from tests.conftest import api_for
from tests.dsa_tdb import problems
from tests.factories import RepositoryFactory, appeal_reviewer, moderator
from tests.reports.samples import IDENTITY, complete_details


def file(repo, category):
    body = {"subject": {"type": "repository", "id": repo.full_name}, "category": category,
            "details": complete_details(category), "reporter": IDENTITY}  # fmt: skip
    return APIClient().post("/api/v1/reports", body, format="json").json()


def decide(client, case_id, actions, ground):
    client.post(f"/api/v1/cases/{case_id}/claim")
    return client.post(
        f"/api/v1/cases/{case_id}/decide",
        {"actions": actions, "ground": ground, "intent": "deliberate", "statement": "Facts and reasons.",
         "departure_reason": "Test."},
        format="json",
    ).json()  # fmt: skip


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
    mod.post(f"/api/v1/cases/{dismissed}/claim")
    mod.post(f"/api/v1/cases/{dismissed}/dismiss", {"reason": "no_violation", "statement": "Fine."}, format="json")
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


@pytest.mark.django_db
def test_every_statement_of_reasons_passes_the_transparency_database_validator(known_set):
    statements = APIClient().get("/api/v1/transparency/statements-of-reasons").json()

    assert len(statements) == 3  # actioned and in effect; dismissals and proposals are not restrictions
    for statement in statements:
        assert problems(statement) == [], statement
    assert len({s["puid"] for s in statements}) == 3
    illegal = next(s for s in statements if s["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT"
                   and s["category"] == "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH")  # fmt: skip
    assert illegal["source_type"] == "SOURCE_ARTICLE_16"
    assert illegal["decision_provision"] == "DECISION_PROVISION_PARTIAL_SUSPENSION"


@pytest.mark.django_db
def test_the_export_command_prints_the_same_statements_as_json_lines(known_set):
    today = timezone.now().date().isoformat()
    out = StringIO()

    call_command("export_statements_of_reasons", "--from", today, "--to", today, stdout=out)

    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) == 3
    assert all(problems(line) == [] for line in lines)
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
                                    {"from": "2000-01-01", "to": "2026-01-01"}, {"to": "9999-12-31"},
                                    {"from": "0001-01-01", "to": "0001-01-02"},
                                    {"from": "9999-12-30", "to": "9999-12-31"}])  # fmt: skip
@pytest.mark.parametrize("path", ["/api/v1/transparency/summary", "/api/v1/transparency/statements-of-reasons"])
def test_a_bad_period_is_400(path, params):
    assert APIClient().get(path, params).status_code == 400


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
