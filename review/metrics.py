"""Prometheus gauges for proactive review, read at scrape time: open reviews by kind, overdue
reviews, and hub events waiting or failed."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from hub.models import HubEvent
from review.models import OPEN_REVIEW_STATES, Review


class ReviewCollector:
    def collect(self):
        open_reviews = Review.objects.filter(state__in=OPEN_REVIEW_STATES)
        reviews = GaugeMetricFamily("hubmod_reviews_open", "Reviews waiting for a reviewer", labels=["kind"])
        for kind, n in open_reviews.values_list("kind").annotate(n=Count("id")).order_by():
            reviews.add_metric([kind], n)
        yield reviews
        yield GaugeMetricFamily(
            "hubmod_reviews_overdue",
            "Open reviews past their SLA due date",
            value=open_reviews.filter(due_at__lt=timezone.now()).count(),
        )
        events = GaugeMetricFamily("hubmod_hub_events", "Review and release webhooks by state", labels=["state"])
        counts = HubEvent.objects.aggregate(
            pending=Count("id", filter=Q(state=HubEvent.State.PENDING)),
            failed=Count("id", filter=Q(state=HubEvent.State.FAILED)),
        )
        for state, n in counts.items():
            events.add_metric([state], n)
        yield events

    def describe(self):
        return []
