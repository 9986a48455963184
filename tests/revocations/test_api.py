"""The feed's HTTP surface: pages served as their exact signed bytes, cached by whether they can
still change, bad cursors refused with what to send instead, and the key where mirrors look."""

import base64
import hashlib
import json

import pytest
from rest_framework.test import APIClient

from tests.factories import RepositoryFactory
from tests.revocations.arrange import delivered

CURSOR_ADVICE = "Send `cursor` as the seq of the last entry you hold"


@pytest.fixture
def three_entries(seeded, hub_receiver, settings):
    settings.REVOCATION_PAGE_SIZE = 2
    for kind in ("quarantine", "delist", "disable"):
        delivered(kind, repository=RepositoryFactory(revision="abc"))


@pytest.mark.django_db
def test_a_full_page_is_cached_for_good_and_the_last_one_briefly(three_entries, settings):
    client = APIClient()
    first = client.get("/api/v1/revocations")
    last = client.get("/api/v1/revocations", {"cursor": json.loads(first.content)["next"]})
    caught_up = client.get("/api/v1/revocations", {"cursor": "3"})

    assert first["Content-Type"] == "application/json"
    assert first["Cache-Control"] == "public, max-age=31536000, immutable"
    assert [e["seq"] for e in json.loads(first.content)["entries"]] == [1, 2]
    assert json.loads(first.content)["next"] == "2"
    assert last["Cache-Control"] == f"public, max-age={settings.REVOCATION_TAIL_MAX_AGE}"
    assert [e["seq"] for e in json.loads(last.content)["entries"]] == [3]
    assert json.loads(last.content)["next"] is None
    assert json.loads(caught_up.content)["entries"] == []
    assert client.get("/api/v1/revocations").content == first.content  # a full page never changes


@pytest.mark.django_db
@pytest.mark.parametrize(
    "cursor",
    ["abc", "-1", "1.5", "1e3", " 1", "0x10", "\uff11", "99999999999999999999999999", str(2**53), "9" * 16, "1" * 500],
)
def test_a_cursor_that_is_not_a_seq_is_400_saying_what_to_send(db, cursor):
    response = APIClient().get("/api/v1/revocations", {"cursor": cursor})

    [message] = response.json()["errors"]["cursor"]
    assert response.status_code == 400
    assert CURSOR_ADVICE in message
    assert "last entry is" not in message  # refused for its form, before the feed is read


@pytest.mark.django_db
def test_a_cursor_past_the_last_entry_is_400_naming_the_last(three_entries):
    response = APIClient().get("/api/v1/revocations", {"cursor": "4"})

    assert response.status_code == 400
    assert response.json()["errors"]["cursor"][0].startswith("The feed's last entry is seq 3;")


@pytest.mark.django_db
def test_an_empty_feed_serves_an_empty_signed_page(db):
    page = json.loads(APIClient().get("/api/v1/revocations", {"cursor": ""}).content)

    assert (page["after"], page["entries"], page["next"]) == (0, [], None)
    assert page["signature"]


@pytest.mark.django_db
def test_the_key_is_served_at_the_api_and_the_well_known_url_with_its_id(db, settings):
    api = APIClient().get("/api/v1/revocations/key")
    well_known = APIClient().get("/.well-known/hubmod-revocations.json")
    settings.REVOCATION_SIGNING_KEY = base64.b64encode(bytes(32)).decode()
    configured = APIClient().get("/api/v1/revocations/key").json()

    body = api.json()
    raw = base64.b64decode(body["public_key"])
    assert well_known.json() == body
    assert (body["algorithm"], body["feed"], body["development"]) == ("Ed25519", "hubmod-revocations/1", True)
    assert body["key_id"] == hashlib.sha256(raw).hexdigest()[:16]
    assert len(raw) == 32
    assert configured["development"] is False
    assert configured["key_id"] != body["key_id"]
