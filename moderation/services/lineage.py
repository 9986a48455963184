"""Lineage follow-up: acting on a base model opens a linked case for every model built on it.

The descendants come from one recursive query; the cases are inserted in batches, skipping any
descendant that already has an open case in the category. They are prioritised like the parent
and never actioned automatically: a moderator decides each.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from hub.selectors import repository_descendants
from hubmod.actors import SYSTEM
from hubmod.audit import log as audit
from moderation.models import Case, Decision
from moderation.sla import sla_for

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
        ids = [r.repository_id for r in batch]
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
            new_cases = list(linked.exclude(pk__in=before))
            opened += audit.record_many(
                actor=SYSTEM,
                verb="case.opened_by_lineage",
                targets=new_cases,
                data={"base_case": parent.pk, "decision": decision.pk, "base": parent.repository.full_name},
            )
    return opened
