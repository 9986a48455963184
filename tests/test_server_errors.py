"""A failure of the server, not of the input, is said as such: 503 and Retry-After while the database
is away, 500 otherwise, in the API's JSON or as a page. The real outage is in
tests/e2e/test_database_restart.py; these pin the answers' shape."""

import json

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from hubmod.server_errors import server_error


def _answer(path: str, exc: Exception):
    try:
        raise exc
    except Exception:
        return server_error(RequestFactory().get(path))


@pytest.mark.parametrize("path", ["/api/v1/reports", "/report/other/"])
def test_a_lost_database_is_503_with_retry_after(path):
    response = _answer(path, OperationalError("server closed the connection unexpectedly"))

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert b"cannot reach its database" in response.content


def test_the_api_answers_in_json_and_pages_in_html():
    assert json.loads(_answer("/api/v1/cases", OperationalError()).content)["detail"].startswith("hubmod cannot reach")
    assert _answer("/console/", OperationalError())["Content-Type"].startswith("text/html")


def test_any_other_failure_is_500_without_retry_after():
    response = _answer("/api/v1/reports", ValueError("a bug"))

    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "logged" in json.loads(response.content)["detail"]
