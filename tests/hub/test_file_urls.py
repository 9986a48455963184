"""A synced file may say where hubmod can download it for scanning (API.md, `files[].url`)."""

import pytest

from hub.models import RepositoryFile

SHA = "b" * 64


@pytest.mark.django_db
def test_a_files_url_is_kept_and_shown_and_a_file_without_one_shows_none(hub_api):
    files = [
        {"path": "model.bin", "sha256": SHA, "size": 12, "url": "https://files.example/acme/tiny/model.bin"},
        {"path": "README.md", "sha256": "c" * 64, "size": 3},
    ]

    created = hub_api.put("/api/v1/hub/repositories/acme/tiny", {"kind": "model", "files": files}, format="json")
    shown = hub_api.get("/api/v1/hub/repositories/acme/tiny").json()["files"]

    assert created.status_code == 201
    assert sorted(shown, key=lambda f: f["path"]) == sorted(files, key=lambda f: f["path"])
    assert RepositoryFile.objects.get(path="model.bin").url == "https://files.example/acme/tiny/model.bin"
    assert RepositoryFile.objects.get(path="README.md").url == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "Enter a valid URL."),
        ("ftp://files.example/model.bin", "Give an http or https address."),
        ("not a url", "Enter a valid URL."),
        ("https://files.example/" + "x" * 2000, "Ensure this field has no more than 2000 characters."),
    ],
)
def test_a_url_hubmod_would_not_fetch_is_refused_saying_why(hub_api, url, message):
    files = [{"path": "model.bin", "sha256": SHA, "size": 12, "url": url}]

    answer = hub_api.put("/api/v1/hub/repositories/acme/tiny", {"kind": "model", "files": files}, format="json")

    assert answer.status_code == 400
    assert message in answer.json()["errors"]["files"]["0"]["url"]
    assert not RepositoryFile.objects.exists()
