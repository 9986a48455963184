"""The operator's view: Prometheus metrics with request and domain figures, health checks,
structured logs that carry the request id and the case."""

import json
import logging

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from moderation.models import Case
from moderation.services.cases import case_for_report
from tests.factories import RepositoryFactory


@pytest.mark.django_db
def test_metrics_expose_request_figures_and_the_queue(client):
    overdue = case_for_report(repository=RepositoryFactory(), account=None, category="spam").case
    Case.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - timezone.timedelta(hours=1))
    case_for_report(repository=RepositoryFactory(), account=None, category="copyright")
    APIClient().get("/api/v1/report-categories")

    text = client.get("/metrics").content.decode()

    assert "django_http_requests_total_by_method_total" in text
    assert 'hubmod_queue_cases{category="spam",state="open"} 1.0' in text
    assert 'hubmod_queue_cases{category="copyright",state="open"} 1.0' in text
    assert "hubmod_queue_overdue_cases 1.0" in text
    assert 'hubmod_enforcement_actions{state="failed"} 0.0' in text
    assert "hubmod_appeals_open 0.0" in text
    assert "hubmod_reviews_overdue 0.0" in text
    assert 'hubmod_hub_events{state="failed"} 0.0' in text


@pytest.mark.django_db
def test_health_checks_the_database_cache_storage_and_with_redis_a_worker(client, settings):
    response = client.get("/health/?format=json")

    body = response.json()
    checks = {name.split("(")[0]: result for name, result in body.items()}
    assert checks["Database"] == checks["Cache"] == checks["Storage"] == "OK"
    if settings.REDIS_URL:
        # The worker heartbeat: green with a worker on the broker (the integration tests' one may
        # be running), and then the whole check passes; failing it fails the whole check.
        assert checks["Ping"] == "OK" or checks["Ping"].startswith("Unavailable")
        assert response.status_code == (200 if checks["Ping"] == "OK" else 500)
    else:
        assert "Ping" not in checks
        assert response.status_code == 200


@pytest.mark.django_db
def test_logs_are_structured_with_the_request_id_and_the_case():
    from hubmod.logs import logging_config

    handler = logging.StreamHandler()
    handler.setFormatter(logging_config(fmt="json", level="INFO") and _json_formatter())
    lines = []
    handler.emit = lambda record: lines.append(handler.format(record))
    logging.getLogger().addHandler(handler)
    try:
        APIClient().post(
            "/api/v1/reports",
            {"subject": {"type": "repository", "id": RepositoryFactory().full_name}, "category": "other",
             "details": {"explanation": "x"}},
            format="json",
        )  # fmt: skip
    finally:
        logging.getLogger().removeHandler(handler)

    events = [json.loads(line) for line in lines if line.startswith("{")]
    audit = [e for e in events if e.get("event") == "audit"]
    assert {e["verb"] for e in audit} >= {"report.filed", "case.opened"}
    case_event = next(e for e in audit if e["verb"] == "case.opened")
    assert case_event["target_type"] == "moderation.case"
    assert case_event["target_id"] == str(Case.objects.get().pk)
    assert all(e.get("request_id") for e in audit)


def _json_formatter():
    import structlog

    return structlog.stdlib.ProcessorFormatter(
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, structlog.processors.JSONRenderer()],
        foreign_pre_chain=[structlog.contextvars.merge_contextvars, structlog.stdlib.add_log_level],
    )


def test_the_worker_keeps_its_database_connection_between_tasks():
    from celery.fixups.django import DjangoWorkerFixup

    from hubmod.celery import app

    # Celery's Django fixup reads the old setting name; unset, it reconnects around every task.
    assert DjangoWorkerFixup(app).db_reuse_max >= 100
