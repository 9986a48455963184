"""Known-bad hashes: a synced file that matches a hub admin's list opens an automated report."""

import pytest

from hubmod.actors import Actor
from moderation.models import Case
from moderation.services.cases import case_claim
from moderation.services.decisions import Ground, case_decide
from reports.hash_scan import hash_list_scan
from reports.models import HashList, KnownHash, Report
from tests.factories import moderator

BAD = "d" * 64
GOOD = "e" * 64


@pytest.fixture
def pickle_list(db):
    hash_list = HashList.objects.create(
        name="pickle payloads", category="malicious_code", note="Reverse-shell pickles."
    )
    KnownHash.objects.create(hash_list=hash_list, sha256=BAD)
    return hash_list


def sync(hub_api, files):
    return hub_api.put(
        "/api/v1/hub/repositories/acme/tiny",
        {"kind": "model", "revision": "abc1234", "files": [{"path": p, "sha256": h, "size": 1} for p, h in files]},
        format="json",
    )


@pytest.mark.django_db
def test_a_synced_file_on_a_hash_list_opens_an_automated_report_once(
    hub_api, pickle_list, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sync(hub_api, [("model.pkl", BAD), ("README.md", GOOD)])
    with django_capture_on_commit_callbacks(execute=True):
        sync(hub_api, [("model.pkl", BAD), ("README.md", GOOD)])

    report = Report.objects.get()
    assert report.source == "automated"
    assert (report.category, report.path, report.file_sha256, report.revision) == (
        "malicious_code",
        "model.pkl",
        BAD,
        "abc1234",
    )
    assert "pickle payloads" in report.details["behaviour"]
    assert report.reporter is None
    assert report.case.category == "malicious_code"


@pytest.mark.django_db
def test_inactive_lists_and_clean_files_open_nothing(hub_api, pickle_list, django_capture_on_commit_callbacks):
    pickle_list.active = False
    pickle_list.save()

    with django_capture_on_commit_callbacks(execute=True):
        sync(hub_api, [("model.pkl", BAD), ("README.md", GOOD)])

    assert not Report.objects.exists()


@pytest.mark.django_db
def test_adding_a_hash_later_finds_repositories_already_synced(
    hub_api, pickle_list, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sync(hub_api, [("weights.bin", GOOD)])
    KnownHash.objects.create(hash_list=pickle_list, sha256=GOOD)

    assert hash_list_scan(hash_list_id=pickle_list.pk) == 1
    assert Report.objects.get().path == "weights.bin"


@pytest.mark.django_db
def test_a_decision_on_an_automated_detection_says_so(hub_api, pickle_list, seeded, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sync(hub_api, [("model.pkl", BAD)])
    case = Case.objects.get()
    mod = Actor.staff(moderator())
    case_claim(case_id=case.pk, actor=mod)

    decision = case_decide(
        case_id=case.pk, actor=mod, actions=["disable"], ground=Ground(policy_section="malicious-code"),
        intent="deliberate", statement="The pickle opens a reverse shell.",
        departure_reason="First offence; the account stays while we talk to the uploader.",
    )  # fmt: skip

    assert decision.automated_detection is True
    assert decision.automated_decision is False
