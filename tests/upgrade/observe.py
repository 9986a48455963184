"""What an operator finds in a database upgraded from an upgrade fixture, as JSON.

test_upgrade.py runs it in a subprocess with today's code against the upgraded database
(DATABASE_URL), so that the pytest-django test database is never touched, and judges what it prints:

    python -m tests.upgrade.observe tests/upgrade/fixtures/sqlite.json observed.json

It reads every moved model through its new app (whatever app registers it today), uses what a
user would use (the staff token against the API, the uploader's notice link, the hub's retry with
its Idempotency-Key, a hub admin's page in the admin), and runs `verify_audit_log` and
`makemigrations --check` as manage.py would.
"""

# ruff: noqa: E402 - the models are imported once Django is set up, below the setup call

import json
import os
import sys
from io import StringIO

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hubmod.settings")
django.setup()

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from hubmod.audit.models import AuditCheckpoint, AuditEvent
from hubmod.staff.models import StaffToken
from moderation.models import Decision
from policy.models import NoticeTemplate, SlaRule
from reports.models import Report
from transparency.models import StatementSubmission


def bearer(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # the names come from the catalogue
            counts[table] = cursor.fetchone()[0]
    return counts


def grants(permissions) -> list[list[str]]:
    """[app label, model, codename], as fill.py records them."""
    return sorted([p.content_type.app_label, p.content_type.model, p.codename] for p in permissions.all())


def staff_token(facts: dict) -> dict:
    key = facts["staff_token"]["key"]
    try:
        owner = StaffToken.objects.get_from_key(key).user.username
    except StaffToken.DoesNotExist:
        owner = None
    queue = bearer(key).get("/api/v1/cases")
    cases = [line["id"] for line in queue.json().get("results", [])] if queue.status_code == 200 else []
    return {"owner": owner, "queue_status": queue.status_code, "queue_cases": cases}


def hub_retry(facts: dict) -> dict:
    """The hub sends its forwarded report again with the same Idempotency-Key, as after a timeout."""
    stored = facts["idempotent_request"]
    before = Report.objects.count()
    answer = bearer(facts["hub_key"]).generic(
        "POST", "/api/v1/reports", stored["body"], content_type="application/json", HTTP_IDEMPOTENCY_KEY=stored["key"]
    )
    return {
        "status": answer.status_code,
        "replayed": answer.headers.get("Idempotent-Replayed"),
        "body": answer.json(),
        "reports_filed": Report.objects.count() - before,
    }


def notice(facts: dict) -> dict:
    page = Client().get(reverse("notice", args=[facts["notice"]["token"]]))
    return {"status": page.status_code, "shows_statement": facts["notice"]["statement"] in page.text}


def admin_page(facts: dict) -> dict:
    """The hub admin opens the SLA rule they edited before the upgrade."""
    site = Client()
    site.force_login(get_user_model().objects.get(username=facts["hub_admin"]))
    meta = SlaRule._meta
    page = site.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[facts["sla_rule"]["id"]]))
    edited = facts["sla_rule"]["hours_to_decision"]
    return {"status": page.status_code, "shows_edit": f'name="hours_to_decision" value="{edited}"' in page.text}


def schema_drift() -> dict[str, dict[str, list[str]]]:
    """Per model, its table if the database lacks it, else the columns and the named indexes and
    constraints it declares that its table lacks: a state-only move that renamed one in the new
    app's state, and not in the database, shows here."""
    drift = {}
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        for model in apps.get_models():
            meta = model._meta
            if meta.proxy or not meta.managed:
                continue
            if meta.db_table not in tables:
                drift[meta.label] = {"table": [meta.db_table]}
                continue
            columns = {column.name for column in connection.introspection.get_table_description(cursor, meta.db_table)}
            named = {index.name for index in meta.indexes} | {constraint.name for constraint in meta.constraints}
            missing = {
                "columns": sorted({field.column for field in meta.local_concrete_fields} - columns),
                "constraints": sorted(named - set(connection.introspection.get_constraints(cursor, meta.db_table))),
            }
            if missing["columns"] or missing["constraints"]:
                drift[meta.label] = missing
    return drift


def edited_object(entry: LogEntry) -> str | None:
    """The model of what an admin log entry's history link opens; None where it opens nothing."""
    model = entry.content_type.model_class()  # None: a content type left behind, naming no model
    if model is None or not model._base_manager.filter(pk=entry.object_id).exists():
        return None
    return model._meta.label


def command(name: str, *args: str) -> dict:
    """A management command as `manage.py` runs it, in this process: a Django start costs seconds."""
    out = StringIO()
    try:
        call_command(name, *args, stdout=out, stderr=out)
    except (CommandError, SystemExit) as exc:
        return {"ok": False, "output": f"{out.getvalue()}{exc}"}
    return {"ok": True, "output": out.getvalue()}


def observe(facts: dict) -> dict:
    tables = table_counts()  # first, before anything below could write
    sla = SlaRule.objects.get(pk=facts["sla_rule"]["id"])
    template = NoticeTemplate.objects.get(pk=facts["notice_template"]["id"])
    return {
        "tables": tables,
        "models": {
            model._meta.label: {
                "table": model._meta.db_table,
                "rows": model._default_manager.count() if model._meta.db_table in tables else None,
            }
            for model in apps.get_models()
            if not model._meta.proxy
        },
        "schema_drift": schema_drift(),
        "content_types": sorted([ct.id, ct.app_label, ct.model] for ct in ContentType.objects.all()),
        "group_permissions": {group.name: grants(group.permissions) for group in Group.objects.order_by("name")},
        "user_permissions": {
            user.username: grants(user.user_permissions)
            for user in get_user_model().objects.order_by("username")
            if user.user_permissions.exists()
        },
        "effective_permissions": {
            user.username: sorted(user.get_all_permissions()) for user in get_user_model().objects.order_by("username")
        },
        "decisions": {
            str(d.pk): {
                "case": d.case_id,
                "approval": d.approval,
                "policy_section": d.policy_section.key if d.policy_section else None,
                "policy_section_model": d.policy_section._meta.label if d.policy_section else None,
            }
            for d in Decision.objects.select_related("policy_section").order_by("pk")
        },
        "statement_submissions": sorted(
            [s.decision.pk, bool(s.submitted_at)] for s in StatementSubmission.objects.select_related("decision")
        ),
        "sla_rule": {
            "id": sla.pk,
            "priority": sla.priority,
            "hours_to_decision": sla.hours_to_decision,
            "escalate_after_hours": sla.escalate_after_hours,
            "severity": sla.severity,
            "four_eyes": sla.four_eyes,
        },
        "notice_template": {"id": template.pk, "subject": template.subject, "body": template.body},
        "admin_log": sorted(
            [entry.pk, entry.content_type.app_label, entry.content_type.model, entry.object_id]
            for entry in LogEntry.objects.select_related("content_type")
        ),
        "admin_log_objects": sorted(
            [entry.pk, edited_object(entry)] for entry in LogEntry.objects.select_related("content_type")
        ),
        "audit": {"events": AuditEvent.objects.count(), "checkpoints": AuditCheckpoint.objects.count()},
        "staff_token": staff_token(facts),
        "notice": notice(facts),
        "admin_page": admin_page(facts),
        "hub_retry": hub_retry(facts),  # were the key lost, it would file a report
        "verify_audit_log": command("verify_audit_log"),
        "makemigrations_check": command("makemigrations", "--check", "--dry-run"),
    }


if __name__ == "__main__":
    facts_path, out_path = sys.argv[1:3]
    with open(facts_path, encoding="utf-8") as fixture:
        observed = observe(json.load(fixture))
    # To a file, not stdout: a warning logged on the way must not corrupt the JSON.
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(observed, out, sort_keys=True)
