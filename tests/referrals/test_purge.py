"""The evidence retention purge: expired files of resolved cases go, held cases keep theirs."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from hubmod.actors import Actor
from hubmod.audit.models import AuditEvent
from moderation.models import Case
from moderation.services.cases import case_escalate
from referrals.services import hold_place, hold_release, referral_create
from reports.models import Evidence
from reports.retention import evidence_purge_expired
from reports.tasks import evidence_purge_expired as evidence_purge_task
from tests.conftest import api_for
from tests.factories import RepositoryFactory, moderator
from tests.referrals.conftest import file_with_evidence, legal_user


def resolved_days_ago(case_id: int, days: int) -> None:
    """Arrange: the case was resolved `days` ago (the clock is the world outside)."""
    Case.objects.filter(pk=case_id).update(state="resolved", resolved_at=timezone.now() - timedelta(days=days))


def stored(evidence: Evidence) -> Path:
    return Path(django_settings.MEDIA_ROOT) / evidence.file.name


@pytest.mark.django_db
def test_the_purge_deletes_expired_unheld_files_and_skips_held_and_recent_ones(seeded, settings):
    settings.EVIDENCE_RETENTION_DAYS = 30
    expired = file_with_evidence(RepositoryFactory(), b"expired evidence\n").evidence.get()
    held = file_with_evidence(RepositoryFactory(), b"held evidence\n").evidence.get()
    recent = file_with_evidence(RepositoryFactory(), b"recent evidence\n").evidence.get()
    resolved_days_ago(expired.report.case_id, 31)
    resolved_days_ago(held.report.case_id, 400)
    resolved_days_ago(recent.report.case_id, 29)
    hold_place(actor=Actor.staff(legal_user()), case_id=held.report.case_id, reason="Subpoena expected.")
    paths = {e.pk: stored(e) for e in (expired, held, recent)}

    assert evidence_purge_task.delay().get() == 1
    assert evidence_purge_expired() == 0  # idempotent

    purged = Evidence.objects.get(pk=expired.pk)
    assert purged.purged_at is not None
    assert (purged.sha256, purged.size, purged.content_type, purged.file.name) == (
        expired.sha256, expired.size, "text/plain", ""
    )  # fmt: skip
    assert not paths[expired.pk].exists()
    assert paths[held.pk].exists()
    assert paths[recent.pk].exists()
    assert Evidence.objects.filter(purged_at__isnull=True).count() == 2
    [event] = AuditEvent.objects.filter(verb="evidence.purged")
    assert (event.target_id, event.actor_kind, event.data["sha256"], event.data["retention_days"]) == (
        str(expired.pk), "system", expired.sha256, 30
    )  # fmt: skip


@pytest.mark.django_db
def test_a_referral_holds_its_case_until_legal_releases_it(seeded, settings):
    settings.EVIDENCE_RETENTION_DAYS = 30
    lawyer = legal_user()
    report = file_with_evidence(RepositoryFactory(), category="other")
    case_escalate(case_id=report.case_id, actor=Actor.staff(moderator()), reason="Threat to life.", to="legal")
    referral = referral_create(
        actor=Actor.staff(lawyer), case_id=report.case_id, authority="europol", referred_at=date.today(),
        reference="EU-1",
    )  # fmt: skip
    resolved_days_ago(report.case_id, 365)

    while_held = evidence_purge_expired()
    hold_release(actor=Actor.staff(lawyer), hold_id=referral.preservation_holds.get().pk, reason="Case closed.")
    after_release = evidence_purge_expired()

    assert (while_held, after_release) == (0, 1)
    assert Evidence.objects.get(report=report).purged_at is not None


@pytest.mark.django_db
def test_a_file_shared_with_a_held_case_stays_in_storage(seeded, settings):
    """Files are stored once per digest: purging one case's row must not delete another's file."""
    settings.EVIDENCE_RETENTION_DAYS = 30
    same = b"the same screenshot\n"
    expired = file_with_evidence(RepositoryFactory(), same).evidence.get()
    kept = file_with_evidence(RepositoryFactory(), same).evidence.get()
    assert expired.file.name == kept.file.name
    resolved_days_ago(expired.report.case_id, 31)
    resolved_days_ago(kept.report.case_id, 31)
    hold_place(actor=Actor.staff(legal_user()), case_id=kept.report.case_id, reason="Preserve.")

    assert evidence_purge_expired() == 1

    assert Evidence.objects.get(pk=expired.pk).purged_at is not None
    assert stored(kept).exists()
    assert stored(kept).read_bytes() == same


@pytest.mark.django_db
def test_downloading_purged_evidence_is_410_with_a_reason(seeded, settings, client):
    settings.EVIDENCE_RETENTION_DAYS = 30
    evidence = file_with_evidence(RepositoryFactory()).evidence.get()
    resolved_days_ago(evidence.report.case_id, 31)
    evidence_purge_expired()
    staff = moderator()
    client.force_login(staff)

    by_api = api_for(staff).get(f"/api/v1/evidence/{evidence.pk}")
    by_page = client.get(f"/console/evidence/{evidence.pk}")

    assert by_api.status_code == 410
    assert "retention" in by_api.json()["detail"]
    assert by_page.status_code == 410
    assert b"30 days after the case was resolved" in by_page.content
