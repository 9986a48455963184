"""Lineage follow-up: acting on a base model opens a linked case for every model built on it.

The descendants come from one recursive query; the cases are inserted in batches, skipping any
descendant that already has an open case in the category. They are prioritised like the parent
and never actioned automatically: a moderator decides each.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from hub.selectors import repository_descendants
from hubmod.actors import SYSTEM
from hubmod.audit import log as audit
from hubmod.tasks import dispatch_now
from moderation.models import Case, Decision
from policy.sla import sla_for

BATCH = 2000


def lineage_open_cases(*, decision_id: int) -> int:
    """Open linked cases for the descendants of the decided repository; returns how many opened."""
    decision = Decision.objects.select_related("case__repository").get(pk=decision_id)
    parent = decision.case
    if parent.repository is None:
        return 0
    descendants = [r for r in repository_descendants(parent.repository) if r.repository_id]
    sla = sla_for(parent.category)
    due = timezone.now() + sla.time_to_decision
    opened = 0
    for start in range(0, len(descendants), BATCH):
        batch = descendants[start : start + BATCH]
        ids = [r.repository_id for r in batch if r.repository_id is not None]
        with transaction.atomic():
            linked = Case.objects.filter(linked_from=parent, repository_id__in=ids)
            before = set(linked.values_list("pk", flat=True))
            Case.objects.bulk_create(
                [
                    Case(
                        repository_id=relative.repository_id,
                        category=parent.category,
                        priority=max(parent.priority, sla.priority),
                        due_at=due,
                        revision="",
                        linked_from=parent,
                    )
                    for relative in batch
                ],
                ignore_conflicts=True,  # a descendant with an open case in this category keeps it
            )
            # With their subjects: an audit event keeps its target's name, and a case's name is its subject's.
            new_cases = list(linked.exclude(pk__in=before).select_related("repository", "account"))
            opened += audit.record_many(
                actor=SYSTEM,
                verb="case.opened_by_lineage",
                targets=new_cases,
                data={"base_case": parent.pk, "decision": decision.pk, "base": parent.repository.full_name},
            )
    Decision.objects.filter(pk=decision.pk, lineage_opened_at__isnull=True).update(lineage_opened_at=timezone.now())
    return opened


# Acting on a repository with these opens linked cases for every model built on it.
LINEAGE_ACTIONS = ("delist", "disable", "remove_files", "remove", "quarantine")
SWEEP_AFTER = timedelta(minutes=5)


def lineage_sweep() -> int:
    """Beat: open the linked cases of decisions whose follow-up the broker lost."""
    cutoff = timezone.now() - SWEEP_AFTER
    waiting = Decision.objects.filter(
        approval=Decision.Approval.EFFECTIVE,
        outcome=Decision.Outcome.ACTIONED,
        case__repository__isnull=False,
        lineage_opened_at__isnull=True,
        created_at__lt=cutoff,
    ).values_list("pk", "requested_actions")[:200]
    ids = [pk for pk, actions in waiting if set(actions) & set(LINEAGE_ACTIONS)]
    for pk in ids:
        dispatch_now("moderation.lineage_open_cases", pk)
    return len(ids)
