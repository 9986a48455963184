"""Evidence retention: files are deleted EVIDENCE_RETENTION_DAYS after their case was resolved,
unless a preservation hold stands on the case. The row stays, marked purged, with its digest,
size and type, so the record of what was reported outlives the file.

Each file is purged in two steps. First, in a transaction that locks the case (as placing a hold
does, so a hold and a purge never interleave), the conditions are checked again and the row is
marked purged and audited. Then, after commit and outside any transaction, the file is deleted
from storage and the row's file name cleared. A crash between the two leaves a purged row that
still names its file; the next run finishes it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from hubmod.actors import SYSTEM, Actor
from hubmod.audit import log as audit
from moderation.models import Case
from referrals.selectors import case_on_hold, held_case_ids
from reports.models import Evidence


def _cutoff(now: datetime) -> datetime:
    return now - timedelta(days=settings.EVIDENCE_RETENTION_DAYS)


def evidence_expired(*, now: datetime | None = None):
    """Evidence past retention whose case no hold protects, not purged yet."""
    return (
        Evidence.objects.filter(
            purged_at__isnull=True,
            report__case__state=Case.State.RESOLVED,
            report__case__resolved_at__lt=_cutoff(now or timezone.now()),
        )
        .exclude(report__case_id__in=held_case_ids())
        .order_by("id")
    )


@transaction.atomic
def _evidence_mark_purged(*, evidence_id: int, actor: Actor, now: datetime) -> bool:
    evidence = Evidence.objects.select_related("report").filter(pk=evidence_id).first()
    if evidence is None:
        return False
    case = Case.objects.select_for_update().get(pk=evidence.report.case_id)
    evidence = Evidence.objects.select_for_update().get(pk=evidence_id)
    expired = case.state == Case.State.RESOLVED and case.resolved_at and case.resolved_at < _cutoff(now)
    if evidence.purged_at is not None or not expired or case_on_hold(case_id=case.pk):
        return False  # purged already, reopened, or held since it was listed
    evidence.purged_at = now
    evidence.save(update_fields=["purged_at", "updated_at"])
    audit.record(
        actor=actor,
        verb="evidence.purged",
        target=evidence,
        data={
            "case": case.pk,
            "report": evidence.report_id,
            "sha256": evidence.sha256,
            "size": evidence.size,
            "retention_days": settings.EVIDENCE_RETENTION_DAYS,
        },
    )
    return True


def _file_delete(evidence_id: int) -> None:
    """Delete a purged row's file, unless an unpurged row still uses it: files are stored once
    per digest, so the same file may be evidence in another case, perhaps one under a hold."""
    evidence = Evidence.objects.filter(pk=evidence_id, purged_at__isnull=False).exclude(file="").first()
    if evidence is None:
        return
    name = evidence.file.name
    if name and not Evidence.objects.filter(file=name, purged_at__isnull=True).exists():
        default_storage.delete(name)
    Evidence.objects.filter(pk=evidence_id).update(file="")


def evidence_purge_expired(*, actor: Actor = SYSTEM, now: datetime | None = None, limit: int = 500) -> int:
    """Beat: purge up to `limit` expired files; returns how many rows were purged. Idempotent."""
    now = now or timezone.now()
    purged = 0
    for evidence_id in list(evidence_expired(now=now).values_list("pk", flat=True)[:limit]):
        if _evidence_mark_purged(evidence_id=evidence_id, actor=actor, now=now):
            purged += 1
    # Also finishes purges a crash interrupted between marking and deleting.
    unfinished = Evidence.objects.filter(purged_at__isnull=False).exclude(file="").values_list("pk", flat=True)
    for evidence_id in list(unfinished[:limit]):
        _file_delete(evidence_id)
    return purged
