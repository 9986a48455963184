"""Abuse resistance: rate limits, size limits and evidence checks answer with a 4xx that says
what to fix, and nothing already accepted is lost."""

import io

import pytest
from rest_framework.test import APIClient

from reports.models import Evidence, Report
from tests.conftest import api_for
from tests.factories import RepositoryFactory, moderator

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def other_report(client, repo, **extra):
    body = {"subject": {"type": "repository", "id": repo.full_name}, "category": "other",
            "details": {"explanation": "Spam."}, **extra}  # fmt: skip
    return client.post("/api/v1/reports", body, format="json")


@pytest.mark.django_db
def test_too_many_reports_from_one_address_is_429_and_keeps_what_was_filed(settings):
    settings.REPORT_RATE_PER_ADDRESS = "3/h"
    repo = RepositoryFactory()

    answers = [other_report(APIClient(), repo).status_code for _ in range(4)]
    refused = other_report(APIClient(), repo)

    assert answers == [201, 201, 201, 429]
    assert refused.status_code == 429
    assert "Too many reports from your network address" in refused.json()["detail"]
    assert refused["Retry-After"] == "3600"
    assert Report.objects.count() == 3


@pytest.mark.django_db
def test_behind_a_proxy_the_limit_counts_the_address_the_proxy_appended(settings):
    settings.REPORT_RATE_PER_ADDRESS = "2/h"
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_FORWARDED_FOR"
    repo = RepositoryFactory()

    # What the client writes before the proxy's entry is its own to invent; varying it gains nothing.
    answers = [
        other_report(APIClient(HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 203.0.113.7"), repo).status_code for i in range(3)
    ]
    elsewhere = other_report(APIClient(HTTP_X_FORWARDED_FOR="203.0.113.8"), repo)

    assert answers == [201, 201, 429]
    assert elsewhere.status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize("forwarded", [None, "", "not an address", "unknown, also not"])
def test_a_report_without_a_readable_address_is_filed_and_counted_together(settings, forwarded):
    settings.REPORT_RATE_PER_ADDRESS = "1/h"
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_FORWARDED_FOR"
    repo = RepositoryFactory()
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}

    first, second = (other_report(APIClient(**headers), repo) for _ in range(2))

    assert (first.status_code, second.status_code) == (201, 429)


@pytest.mark.django_db
def test_an_ipv6_client_is_limited_by_its_64(settings):
    settings.REPORT_RATE_PER_ADDRESS = "1/h"
    repo = RepositoryFactory()

    first = other_report(APIClient(REMOTE_ADDR="2001:db8:1:2::1"), repo)
    same_host = other_report(APIClient(REMOTE_ADDR="2001:db8:1:2::ffff"), repo)
    other_host = other_report(APIClient(REMOTE_ADDR="2001:db8:1:3::1"), repo)

    assert (first.status_code, same_host.status_code, other_host.status_code) == (201, 429, 201)


@pytest.mark.django_db
def test_with_the_rate_limits_cache_down_a_report_is_still_filed_and_stored(settings, caplog):
    # A Redis that is not there: nothing listens on port 1.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}  # fmt: skip
    repo = RepositoryFactory()

    filed = other_report(APIClient(), repo, reporter={"name": "Ada", "email": "ada@example.org"})

    assert filed.status_code == 201, filed.content
    assert Report.objects.filter(pk=filed.json()["id"]).exists()
    assert "filing without counting" in caplog.text


@pytest.mark.django_db
def test_too_many_reports_from_one_reporter_is_429_whatever_the_address(settings):
    settings.REPORT_RATE_PER_REPORTER = "2/h"
    repo = RepositoryFactory()
    reporter = {"reporter": {"email": "busy@example.org"}}

    answers = [other_report(APIClient(REMOTE_ADDR=f"10.0.0.{i}"), repo, **reporter).status_code for i in range(1, 4)]

    assert answers == [201, 201, 429]
    assert Report.objects.count() == 2


@pytest.mark.django_db
def test_a_hub_forwarding_many_users_reports_is_not_limited_by_address(settings, hub_api):
    settings.REPORT_RATE_PER_ADDRESS = "2/h"
    repo = RepositoryFactory()

    answers = [other_report(hub_api, repo, on_behalf_of=f"user{i}").status_code for i in range(4)]

    assert answers == [201] * 4


@pytest.mark.django_db
def test_the_form_says_when_the_rate_limit_is_reached(settings, client):
    settings.REPORT_RATE_PER_ADDRESS = "1/h"
    repo = RepositoryFactory()
    data = {"subject_type": "repository", "subject_id": repo.full_name, "details__explanation": "Spam."}

    first = client.post("/report/other/", data)
    second = client.post("/report/other/", data)

    assert first.status_code == 302
    assert second.status_code == 429
    assert "Too many reports" in second.content.decode()
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_a_request_over_the_size_limit_is_413_before_it_is_read(settings, client):
    settings.MAX_REQUEST_BYTES = 1000

    response = client.post("/report/other/", {"details__explanation": "x" * 2000})
    api = APIClient().generic("POST", "/api/v1/reports", "x" * 2000, content_type="application/json")

    assert response.status_code == 413
    assert api.status_code == 413
    assert "larger than" in api.json()["detail"]


def upload(name, content):
    file = io.BytesIO(content)
    file.name = name
    return file


@pytest.mark.django_db
def test_evidence_is_stored_with_its_sha256_and_only_staff_can_download_it(client):
    import hashlib

    repo = RepositoryFactory()
    response = client.post(
        "/report/other/",
        {"subject_type": "repository", "subject_id": repo.full_name, "details__explanation": "See screenshot.",
         "evidence": [upload("shot.png", PNG), upload("notes.txt", b"plain notes")]},
    )  # fmt: skip

    assert response.status_code == 302
    stored = {e.original_name: e for e in Evidence.objects.all()}
    assert stored["shot.png"].sha256 == hashlib.sha256(PNG).hexdigest()
    assert stored["shot.png"].content_type == "image/png"
    assert stored["notes.txt"].content_type == "text/plain"
    url = f"/console/evidence/{stored['shot.png'].pk}"
    assert client.get(url).status_code == 403
    staff = moderator()
    client.force_login(staff)
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert download["Content-Disposition"].startswith("attachment")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([upload("tool.exe", b"MZ\x90\x00" + b"\x00" * 100)], "not a file type we accept"),
        ([upload("fake.png", b"#!/bin/sh\nrm -rf /\n")], "not a file type we accept"),
        ([upload("nul.txt", b"text\x00with nul")], "not a file type we accept"),
        ([upload(f"{i}.txt", b"x") for i in range(6)], "at most 5 files"),
    ],
)
def test_bad_evidence_is_refused_next_to_the_field_and_nothing_is_filed(client, files, message):
    repo = RepositoryFactory()

    response = client.post(
        "/report/other/",
        {"subject_type": "repository", "subject_id": repo.full_name, "details__explanation": "x", "evidence": files},
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Report.objects.exists()
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_oversized_evidence_is_refused(client, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    repo = RepositoryFactory()

    response = client.post(
        "/report/other/",
        {"subject_type": "repository", "subject_id": repo.full_name, "details__explanation": "x",
         "evidence": [upload("big.txt", b"x" * 101)]},
    )  # fmt: skip

    assert response.status_code == 400
    assert "big.txt is larger than" in response.content.decode()


@pytest.mark.django_db
def test_child_safety_reports_take_no_attachments():
    repo = RepositoryFactory()
    filed = APIClient().post(
        "/api/v1/reports",
        {"subject": {"type": "repository", "id": repo.full_name}, "category": "child_safety",
         "details": {"location": "data/", "explanation": "x"}},
        format="json",
    ).json()  # fmt: skip

    response = APIClient().post(
        f"/api/v1/reports/{filed['id']}/evidence?receipt={filed['receipt']}", {"file": [upload("a.png", PNG)]}
    )

    assert response.status_code == 400
    assert "Do not attach files" in response.json()["errors"]["file"][0]
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_evidence_can_be_added_through_the_api_with_the_receipt():
    filed = other_report(APIClient(), RepositoryFactory()).json()
    url = f"/api/v1/reports/{filed['id']}/evidence"

    wrong = APIClient().post(f"{url}?receipt=nope", {"file": [upload("a.png", PNG)]})
    right = APIClient().post(f"{url}?receipt={filed['receipt']}", {"file": [upload("a.png", PNG)]})
    empty = APIClient().post(f"{url}?receipt={filed['receipt']}", {})

    assert wrong.status_code == 404
    assert right.status_code == 201
    assert right.json()[0]["content_type"] == "image/png"
    assert empty.status_code == 400


@pytest.mark.django_db
def test_a_report_names_the_exact_file_lines_and_revision():
    repo = RepositoryFactory()

    created = APIClient().post(
        "/api/v1/reports",
        {"subject": {"type": "repository", "id": repo.full_name, "revision": "abc1234", "path": "data/train.jsonl",
                     "lines": "10-40"}, "category": "other", "details": {"explanation": "x"}},
        format="json",
    )  # fmt: skip
    backwards = APIClient().post(
        "/api/v1/reports",
        {"subject": {"type": "repository", "id": repo.full_name, "lines": "40-10"}, "category": "other",
         "details": {"explanation": "x"}},
        format="json",
    )  # fmt: skip

    report = Report.objects.get(pk=created.json()["id"])
    assert (report.path, report.line_start, report.line_end, report.revision) == ("data/train.jsonl", 10, 40, "abc1234")
    assert report.case.revision == "abc1234"
    assert backwards.status_code == 400
    assert "lines" in backwards.json()["errors"]["subject"]
    detail = api_for(moderator()).get(f"/api/v1/cases/{report.case_id}").json()
    assert detail["reports"][0]["revision"] == "abc1234"
