"""The hub syncs accounts and repositories in with its integration key (API.md)."""

import pytest
from rest_framework.test import APIClient

from hub.models import Repository
from hubmod.audit.models import AuditEvent
from tests.conftest import api_for
from tests.factories import moderator

SHA = "a" * 64


@pytest.mark.django_db
def test_account_put_creates_then_updates(hub_api):
    created = hub_api.put(
        "/api/v1/hub/accounts/alice", {"display_name": "Alice", "email": "a@example.org"}, format="json"
    )
    updated = hub_api.put("/api/v1/hub/accounts/alice", {"display_name": "Alice B."}, format="json")

    assert created.status_code == 201
    assert updated.status_code == 200
    assert updated.json() == {
        "handle": "alice",
        "hub_id": "",
        "display_name": "Alice B.",
        "email": "a@example.org",
        "standing": "active",
        "namespace": "free",
    }


@pytest.mark.django_db
def test_repository_put_stores_lineage_files_and_card_and_get_counts_open_cases(hub_api):
    body = {
        "kind": "model",
        "revision": "0123abcd",
        "license": "llama3.1",
        "base_models": [{"repo_id": "meta/llama-3.1-8b", "relation": "finetune"}],
        "files": [{"path": "model.safetensors", "sha256": SHA, "size": 10}],
        "card": "# A model",
    }
    created = hub_api.put("/api/v1/hub/repositories/acme/tiny", body, format="json")
    fetched = hub_api.get("/api/v1/hub/repositories/acme/tiny")

    assert created.status_code == 201
    assert fetched.status_code == 200
    repo = fetched.json()
    assert repo["owner"] == "acme"
    assert repo["visibility"] == "listed"
    assert repo["gated"] is False
    assert repo["base_models"] == [{"repo_id": "meta/llama-3.1-8b", "relation": "finetune"}]
    assert repo["files"] == [{"path": "model.safetensors", "sha256": SHA, "size": 10}]
    assert repo["open_cases"] == 0
    assert AuditEvent.objects.filter(verb="repository.created", target_label="acme/tiny").count() == 1


@pytest.mark.django_db
def test_repository_put_again_answers_200_and_replaces_the_file_list(hub_api):
    hub_api.put(
        "/api/v1/hub/repositories/acme/tiny",
        {"kind": "model", "files": [{"path": "a", "sha256": SHA, "size": 1}]},
        format="json",
    )
    again = hub_api.put("/api/v1/hub/repositories/acme/tiny", {"kind": "model", "files": []}, format="json")

    assert again.status_code == 200
    assert again.json()["files"] == []
    assert Repository.objects.get(full_name="acme/tiny").files.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "kind"),
        ({"kind": "weights"}, "kind"),
        ({"kind": "model", "revision": "not-a-sha"}, "revision"),
        ({"kind": "model", "base_models": [{"repo_id": "no-slash", "relation": "finetune"}]}, "base_models"),
        ({"kind": "model", "base_models": [{"repo_id": "a/b", "relation": "cousin"}]}, "base_models"),
        ({"kind": "model", "files": [{"path": "x", "sha256": "xyz", "size": 1}]}, "files"),
        ({"kind": "model", "files": [{"path": "x", "sha256": SHA, "size": -1}]}, "files"),
        (
            {
                "kind": "model",
                "files": [{"path": "x", "sha256": SHA, "size": 1}, {"path": "x", "sha256": SHA, "size": 2}],
            },
            "files",
        ),
    ],
)
def test_repository_put_with_bad_fields_is_400_naming_the_field_and_stores_nothing(hub_api, body, field):
    response = hub_api.put("/api/v1/hub/repositories/acme/tiny", body, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Repository.objects.exists()


@pytest.mark.django_db
def test_repository_put_with_bad_name_or_non_object_body_is_400(hub_api):
    assert hub_api.put("/api/v1/hub/repositories/acme/bad%20name", {"kind": "model"}, format="json").status_code == 400
    not_object = hub_api.put("/api/v1/hub/repositories/acme/tiny", [1, 2], format="json")
    assert not_object.status_code == 400
    malformed = hub_api.generic(
        "PUT", "/api/v1/hub/repositories/acme/tiny", "{not json", content_type="application/json"
    )
    assert malformed.status_code == 400


@pytest.mark.django_db
def test_catalogue_refuses_missing_wrong_and_staff_credentials():
    anonymous = APIClient()
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Bearer hkAAAAAA.not-a-real-key")
    staff = api_for(moderator())

    assert anonymous.put("/api/v1/hub/accounts/alice", {}, format="json").status_code == 401
    assert wrong.put("/api/v1/hub/accounts/alice", {}, format="json").status_code == 401
    assert staff.put("/api/v1/hub/accounts/alice", {}, format="json").status_code == 403
    assert staff.get("/api/v1/hub/repositories/acme/tiny").status_code == 403


@pytest.mark.django_db
def test_unknown_repository_is_404(hub_api):
    assert hub_api.get("/api/v1/hub/repositories/acme/none").status_code == 404
