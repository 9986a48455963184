"""The Celery application; periodic jobs are declared here and nowhere else."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hubmod.settings")

app = Celery("hubmod")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Celery's Django fixup looks this up by its old name, which the CELERY_ namespace never fills: without
# it the worker closes its database connection around every task (PERFORMANCE.md: ~3.7x slower).
app.conf["CELERY_DB_REUSE_MAX"] = int(os.environ.get("CELERY_DB_REUSE_MAX", "1000"))
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "enforcement-sweep-pending": {
        "task": "moderation.enforcement_sweep",
        "schedule": 60.0,
    },
    "enforcement-expire-time-boxed": {
        "task": "moderation.enforcement_expire",
        "schedule": 300.0,
    },
    "cases-escalate-overdue": {
        "task": "moderation.cases_escalate_overdue",
        "schedule": 300.0,
    },
    "statements-of-reasons-submit": {
        "task": "transparency.statements_submit",
        "schedule": 600.0,
    },
    "counter-notices-restore": {
        "task": "moderation.counter_notices_restore",
        "schedule": 3600.0,
    },
    "lineage-sweep-unopened": {
        "task": "moderation.lineage_sweep",
        "schedule": 300.0,
    },
    "hub-events-sweep-pending": {
        "task": "hub.hub_events_sweep",
        "schedule": 60.0,
    },
    "releases-sweep-severe-cases": {
        "task": "review.releases_sweep",
        "schedule": 300.0,
    },
    "notices-sweep-unsent": {
        "task": "moderation.notices_sweep",
        "schedule": 120.0,
    },
    "idempotency-keys-expire": {
        "task": "idempotency.keys_expire",
        "schedule": 3600.0,
    },
    "evidence-purge-expired": {
        "task": "reports.evidence_purge_expired",
        "schedule": 3600.0,
    },
    "transparency-rollup-days": {
        "task": "transparency.rollup",
        "schedule": 600.0,
    },
    # Contents judged by an older version of a scanner than the one installed are scanned again.
    "scans-rescan-outdated": {
        "task": "scanning.scans_outdated_sweep",
        "schedule": 600.0,
    },
    # The audit chain's head, signed and published where the database's writers cannot rewrite it.
    "audit-checkpoint-publish": {
        "task": "audit.checkpoint_publish",
        "schedule": 600.0,
    },
}
