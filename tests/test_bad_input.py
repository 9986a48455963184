"""Malformed, oversized and hostile input gets a 4xx that says what to fix, never a 5xx."""

import json

import pytest
from rest_framework.test import APIClient

from hub.models import Repository
from reports.models import Report


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/reports", "/api/v1/appeals"])
def test_oversized_body_is_413_with_the_limit(path, settings):
    body = json.dumps({"details": {"explanation": "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}})

    response = APIClient().generic("POST", path, body, content_type="application/json")

    assert response.status_code == 413
    assert "KiB" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw",
    ["[" * 100_000, "{not json", "\x00\x01", '{"subject": NaN}', ""],
)
def test_unparseable_json_is_400_with_a_parse_message(raw):
    response = APIClient().generic("POST", "/api/v1/reports", raw, content_type="application/json")

    assert response.status_code == 400
    assert "detail" in response.json() or "errors" in response.json()
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_a_form_encoded_body_is_415():
    response = APIClient().generic("POST", "/api/v1/reports", "a=b", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 415


@pytest.mark.django_db
def test_the_hub_key_header_must_be_well_formed(hub_api):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer two parts")

    response = client.put("/api/v1/hub/accounts/alice", {}, format="json")

    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]
    assert not Repository.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "abc", "statement": "x"}, "decision"),
        ({"decision": 1}, "statement"),
        ({"decision": 1, "statement": "x", "kind": "complaint"}, "kind"),
        ({"decision": 999, "statement": "x"}, "decision"),
    ],
)
def test_malformed_appeals_are_400_naming_the_field(body, field):
    response = APIClient().post("/api/v1/appeals", body, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.django_db
def test_a_forged_notice_link_is_404(client):
    assert client.get("/notices/eyJkZWNpc2lvbiI6MX0:forged:signature/").status_code == 404


@pytest.mark.django_db
def test_the_report_form_shows_field_errors_and_keeps_what_was_typed(client):
    response = client.post(
        "/report/other/",
        {
            "subject_type": "repository",
            "subject_id": "nobody/nothing",
            "details__explanation": "<script>alert(1)</script>",
        },
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "The hub has no repository" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_an_unknown_report_category_page_is_404(client):
    assert client.get("/report/arson/").status_code == 404
