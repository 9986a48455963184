"""What a verdict does beyond the report: the hub's view of a revision, a moderator's false
positive, the rescan when a scanner changes, and the automation a hub admin may turn on."""

import pytest

from hub.models import HubEvent
from hubmod.actors import Actor
from hubmod.audit.models import AuditEvent
from hubmod.celery import app as celery_app
from hubmod.errors import ApplicationError, Forbidden
from moderation.models import Case, Decision
from reports.models import Report
from scanning.models import FalsePositive, FileScan
from scanning.services import (
    false_positive_mark,
    scan_record,
    scans_outdated_sweep,
    verdict_automation_set,
)
from tests.factories import UserFactory, hub_admin, moderator
from tests.scanning.test_verdicts import CLEAN_WEIGHTS, DANGEROUS_PICKLE, PICKLESCAN, file, sync

FICKLING_CLEAN = {"name": "fickling", "version": "0.1.12", "verdict": "clean", "findings": []}


def scan_of(hub_api, name):
    response = hub_api.get(f"/api/v1/hub/repositories/acme/{name}")
    assert response.status_code == 200
    return response.json()["scan"]


@pytest.mark.django_db
def test_the_hub_reads_each_files_verdict_and_the_revisions_worst_on_the_repository(seeded, hub_api):
    sync(hub_api, "tiny", [file("model.bin", DANGEROUS_PICKLE), file("w.safetensors", CLEAN_WEIGHTS),
                           file("README.md", "c" * 64, url=False)])  # fmt: skip
    assert scan_of(hub_api, "tiny") == {
        "verdict": "pending",
        "files": [
            {"path": "README.md", "sha256": "c" * 64, "verdict": "skipped"},  # no url: never fetched
            {"path": "model.bin", "sha256": DANGEROUS_PICKLE, "verdict": "pending"},
            {"path": "w.safetensors", "sha256": CLEAN_WEIGHTS, "verdict": "pending"},
        ],
    }
    scan_record(sha256=CLEAN_WEIGHTS, verdict="clean")
    scan_record(sha256=DANGEROUS_PICKLE, verdict="dangerous", scanners=[PICKLESCAN])
    scan = scan_of(hub_api, "tiny")
    assert scan["verdict"] == "dangerous"
    assert [f["verdict"] for f in scan["files"]] == ["skipped", "dangerous", "clean"]
    # Bytes already judged carry their verdict into a new repository at once.
    sync(hub_api, "copy", [file("weights.safetensors", CLEAN_WEIGHTS)])
    assert scan_of(hub_api, "copy") == {
        "verdict": "clean",
        "files": [{"path": "weights.safetensors", "sha256": CLEAN_WEIGHTS, "verdict": "clean"}],
    }


@pytest.mark.django_db
def test_a_false_positive_stops_counting_is_not_reported_again_and_the_hub_hears_the_new_verdict(seeded, hub_api):
    sync(hub_api, "tiny", [file("model.bin", DANGEROUS_PICKLE)])
    scan_record(sha256=DANGEROUS_PICKLE, verdict="dangerous", scanners=[PICKLESCAN, FICKLING_CLEAN])
    report = Report.objects.get(source=Report.Source.AUTOMATED)
    mia = moderator()

    scan = false_positive_mark(
        actor=Actor.staff(mia), sha256=DANGEROUS_PICKLE, scanner="picklescan",
        reason="os.system is referenced by a docstring constant, never called.", case_id=report.case_id,
    )  # fmt: skip

    assert scan.verdict == "clean"
    assert FalsePositive.objects.get().version == "1.0.5"
    assert scan_of(hub_api, "tiny")["verdict"] == "clean"
    told = HubEvent.objects.filter(type="scan.completed").order_by("id")
    assert [e.payload["verdict"] for e in told] == ["dangerous", "clean"]
    assert AuditEvent.objects.filter(verb="filescan.false_positive", actor_label=mia.username).exists()
    # The same bytes elsewhere, or scanned again by the same version, report nothing.
    sync(hub_api, "copy", [file("model.bin", DANGEROUS_PICKLE)])
    scan_record(sha256=DANGEROUS_PICKLE, verdict="dangerous", scanners=[PICKLESCAN, FICKLING_CLEAN])
    assert FileScan.objects.get(sha256=DANGEROUS_PICKLE).verdict == "clean"
    assert Report.objects.filter(source=Report.Source.AUTOMATED).count() == 1
    # The case already open stays for the moderator: scanning never decides.
    assert Case.objects.get(pk=report.case_id).state == "open"


@pytest.mark.django_db
def test_a_new_version_of_the_scanner_judges_the_bytes_afresh(seeded, hub_api):
    sync(hub_api, "tiny", [file("model.bin", DANGEROUS_PICKLE)])
    scan_record(sha256=DANGEROUS_PICKLE, verdict="dangerous", scanners=[PICKLESCAN])
    false_positive_mark(actor=Actor.staff(moderator()), sha256=DANGEROUS_PICKLE, scanner="picklescan",
                        reason="Checked by hand.")  # fmt: skip
    upgraded = {**PICKLESCAN, "version": "1.1.0"}
    sync(hub_api, "copy", [file("model.bin", DANGEROUS_PICKLE)])
    scan_record(sha256=DANGEROUS_PICKLE, verdict="dangerous", scanners=[upgraded])
    assert FileScan.objects.get(sha256=DANGEROUS_PICKLE).verdict == "dangerous"
    assert Report.objects.filter(source=Report.Source.AUTOMATED, case__repository__name="copy").exists()


@pytest.mark.django_db
def test_marking_a_false_positive_is_refused_with_a_reason_to_whom_and_for_what_it_cannot_be(seeded, hub_api):
    sync(hub_api, "tiny", [file("model.bin", DANGEROUS_PICKLE)])
    scan_record(sha256=DANGEROUS_PICKLE, verdict="dangerous", scanners=[PICKLESCAN, FICKLING_CLEAN])
    mia = Actor.staff(moderator())
    with pytest.raises(Forbidden):
        false_positive_mark(actor=Actor.staff(UserFactory()), sha256=DANGEROUS_PICKLE, scanner="picklescan",
                            reason="x")  # fmt: skip
    with pytest.raises(ApplicationError, match="found nothing"):
        false_positive_mark(actor=mia, sha256=DANGEROUS_PICKLE, scanner="fickling", reason="x")
    with pytest.raises(ApplicationError, match="Say why"):
        false_positive_mark(actor=mia, sha256=DANGEROUS_PICKLE, scanner="picklescan", reason="  ")
    false_positive_mark(actor=mia, sha256=DANGEROUS_PICKLE, scanner="picklescan", reason="Checked.")
    with pytest.raises(ApplicationError, match="already"):
        false_positive_mark(actor=mia, sha256=DANGEROUS_PICKLE, scanner="picklescan", reason="Checked.")
    assert FalsePositive.objects.count() == 1


@pytest.mark.django_db
def test_the_sweep_rescans_what_an_older_scanner_version_judged_once_while_it_is_queued(seeded, hub_api, monkeypatch):
    from scanning import services

    sync(hub_api, "tiny", [file("old.bin", DANGEROUS_PICKLE), file("new.bin", CLEAN_WEIGHTS)])
    scan_record(sha256=DANGEROUS_PICKLE, verdict="dangerous", scanners=[{**PICKLESCAN, "version": "0.0.1"}])
    scan_record(sha256=CLEAN_WEIGHTS, verdict="dangerous", scanners=[PICKLESCAN])
    queued = []
    monkeypatch.setattr(services, "scanner_versions", lambda: {"picklescan": "1.0.5", "fickling": "0.1.12"})
    monkeypatch.setattr(services, "dispatch_now", lambda task, sha256: queued.append((task, sha256)))

    assert scans_outdated_sweep() == 1
    assert queued == [("scanning.file_scan", DANGEROUS_PICKLE)]
    # The verdict shown stays until the rescan records a new one, and is not queued twice meanwhile.
    assert FileScan.objects.get(sha256=DANGEROUS_PICKLE).verdict == "dangerous"
    assert scans_outdated_sweep() == 0
    scan_record(sha256=DANGEROUS_PICKLE, verdict="clean", scanners=[{**PICKLESCAN, "verdict": "clean"}])
    assert scans_outdated_sweep() == 0


@pytest.mark.django_db
def test_a_dangerous_verdict_acts_at_once_only_when_a_hub_admin_turned_it_on(seeded, hub_api):
    sync(hub_api, "first", [file("model.bin", DANGEROUS_PICKLE)])
    scan_record(sha256=DANGEROUS_PICKLE, verdict="dangerous", scanners=[PICKLESCAN])
    assert Case.objects.get(repository__name="first").state == "open"  # off by default

    with pytest.raises(Forbidden):
        verdict_automation_set(actor=Actor.staff(moderator()), verdict="dangerous", actions=["gate"], enabled=True)
    with pytest.raises(ApplicationError, match="Only a dangerous"):
        verdict_automation_set(actor=Actor.staff(hub_admin()), verdict="suspicious", actions=["gate"], enabled=True)
    with pytest.raises(ApplicationError, match="not remove"):
        verdict_automation_set(actor=Actor.staff(hub_admin()), verdict="dangerous", actions=["remove"], enabled=True)
    verdict_automation_set(actor=Actor.staff(hub_admin()), verdict="dangerous", actions=["gate"], enabled=True)

    sync(hub_api, "second", [file("model.bin", DANGEROUS_PICKLE)])
    decision = Decision.objects.get(case__repository__name="second")
    assert decision.automated_decision
    assert list(decision.actions.values_list("kind", flat=True)) == ["gate"]
    assert "artifact scan" in decision.statement
    assert "model.bin" in decision.statement


def test_scanning_tasks_go_to_their_own_queue_and_enforcement_stays_on_the_default():
    from django.conf import settings

    route = celery_app.amqp.router.route
    assert route({}, "scanning.file_scan")["queue"].name == settings.SCAN_QUEUE
    assert route({}, "scanning.scans_outdated_sweep")["queue"].name == settings.SCAN_QUEUE
    assert route({}, "moderation.enforcement_deliver")["queue"].name == settings.CELERY_TASK_DEFAULT_QUEUE
    assert settings.SCAN_QUEUE != settings.CELERY_TASK_DEFAULT_QUEUE


@pytest.mark.django_db
def test_the_transparency_report_counts_what_each_scanner_flagged_and_how_often_it_was_wrong(seeded, hub_api):
    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone

    from transparency.summary import transparency_summary

    sync(hub_api, "tiny", [file("a.bin", DANGEROUS_PICKLE), file("b.bin", CLEAN_WEIGHTS)])
    scan_record(sha256=DANGEROUS_PICKLE, verdict="dangerous", scanners=[PICKLESCAN, FICKLING_CLEAN])
    scan_record(sha256=CLEAN_WEIGHTS, verdict="dangerous", scanners=[PICKLESCAN, FICKLING_CLEAN])
    false_positive_mark(actor=Actor.staff(moderator()), sha256=CLEAN_WEIGHTS, scanner="picklescan",
                        reason="Weights only; the finding is a name in a string.")  # fmt: skip
    today = timezone.localdate()

    means = transparency_summary(start=today - timedelta(days=1), end=today)["automated_means"]

    assert means == {"artifact scan: picklescan": {"flagged": 2, "false_positives": 1, "false_positive_rate": 0.5}}
    page = Client().get("/transparency/").content.decode()
    section = page[page.index('data-testid="automated-means"') :]
    assert "<td>artifact scan: picklescan</td><td>2</td><td>1</td><td>50%</td>" in section
    csv = Client().get("/transparency/summary.csv").content.decode()
    assert "automated_means.artifact scan: picklescan.false_positives,1" in csv


@pytest.mark.django_db
def test_the_admins_form_refuses_by_the_services_own_rule():
    from scanning.admin import VerdictAutomationForm

    form = VerdictAutomationForm({"verdict": "dangerous", "actions": [], "enabled": True})
    assert not form.is_valid()
    assert form.non_field_errors() == ["Choose at least one action to turn this on."]
    assert VerdictAutomationForm({"verdict": "dangerous", "actions": ["gate"], "enabled": True}).is_valid()


@pytest.mark.django_db
def test_a_hub_admin_may_let_a_dangerous_verdict_quarantine_at_once(seeded, hub_api, hub_receiver):
    from hub.models import Repository
    from tests.flows import committed

    verdict_automation_set(actor=Actor.staff(hub_admin()), verdict="dangerous", actions=["quarantine"], enabled=True)
    sync(hub_api, "loader", [file("model.bin", DANGEROUS_PICKLE)])
    with committed():
        scan_record(sha256=DANGEROUS_PICKLE, verdict="dangerous", scanners=[PICKLESCAN])

    decision = Decision.objects.get(case__repository__name="loader")
    assert decision.automated_decision
    assert list(decision.actions.values_list("kind", flat=True)) == ["quarantine"]
    assert Repository.objects.get(name="loader").visibility == "quarantined"
    applied = [d.payload["action"] for d in hub_receiver.verified() if d.payload["type"] == "enforcement.apply"]
    assert applied == ["quarantine"]
