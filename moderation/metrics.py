"""Domain gauges for Prometheus, read from the database at scrape time (the database is the
source of truth; nothing to keep in step): queue depth, overdue cases, enforcement backlog,
appeal backlog."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from moderation.models import OPEN_CASE_STATES, Appeal, Case, EnforcementAction


class ModerationCollector:
    def collect(self):
        now = timezone.now()
        depth = GaugeMetricFamily("hubmod_queue_cases", "Open cases in the review queue", labels=["state", "category"])
        rows = (
            Case.objects.filter(state__in=OPEN_CASE_STATES)
            .values_list("state", "category")
            .annotate(n=Count("id"))
            .order_by()
        )
        for state, category, n in rows:
            depth.add_metric([state, category], n)
        yield depth
        yield GaugeMetricFamily(
            "hubmod_queue_overdue_cases",
            "Open cases past their SLA due date",
            value=Case.objects.filter(state__in=OPEN_CASE_STATES, due_at__lt=now).count(),
        )
        actions = GaugeMetricFamily("hubmod_enforcement_actions", "Enforcement actions by state", labels=["state"])
        counts = EnforcementAction.objects.aggregate(
            pending=Count("id", filter=Q(state=EnforcementAction.State.PENDING)),
            failed=Count("id", filter=Q(state=EnforcementAction.State.FAILED)),
        )
        for state, n in counts.items():
            actions.add_metric([state], n)
        yield actions
        yield GaugeMetricFamily(
            "hubmod_appeals_open",
            "Appeals and counter-notices waiting for a reviewer",
            value=Appeal.objects.filter(state__in=[Appeal.State.SUBMITTED, Appeal.State.IN_REVIEW]).count(),
        )

    def describe(self):
        # Described without touching the database, so registering at start-up needs no tables.
        return []
