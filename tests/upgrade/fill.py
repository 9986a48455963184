"""Fill a database at the schema of the commit make_fixture.py names, through THAT commit's code.

make_fixture.py copies this file into the old tree and runs it there, after `manage.py migrate`, so every name imported below is the old one (moderation.models.StaffToken,
reports.models.IdempotentRequest, ...): this file is not importable against today's tree, and is
kept as it ran. Everything goes through the old API and services, as the old tests did, so the rows
and the audit chain are what a running deployment held. It prints the facts the upgrade test
checks (row counts, ids, the plain staff token) as JSON to the path given as its argument.

    python upgrade_fill.py facts.json
"""

# ruff: noqa: E402 - the models are imported once Django is set up, below the setup call

import base64
import json
import os
import secrets
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import django

sys.path.insert(0, str(Path.cwd()))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hubmod.settings")
django.setup()

import time_machine
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

import moderation.seed
from devtools.hub_receiver import HubReceiver
from hub.models import HubKey
from hubmod.audit.models import AuditCheckpoint, AuditEvent
from hubmod.celery import app as celery_app
from moderation.models import Decision, NoticeTemplate, SlaRule, StatementSubmission, Strike
from moderation.roles import APPEAL_REVIEWER, HUB_ADMIN, MODERATOR
from moderation.selectors import notice_token_for
from moderation.services.staff import staff_create
from moderation.transparency.rollups import transparency_rollup_all
from moderation.transparency.tdb import statements_submit_batch
from review.seed import seed
from tests.dsa_tdb import FakeTransparencyDatabase
from tests.reports.samples import complete_details

STATEMENT = "The demo impersonates a named journalist."
# The license catalogue would be two thirds of the dump (300 clauses and their history), and no
# license model moves: the seed loads only the licenses the filled rows name.
LICENSES = {"apache-2.0", "llama3.1", "other", "unknown"}


def bearer(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def ok(response, *statuses: int) -> dict:
    """The answer's JSON, after making sure the old code did what was asked: a fixture built on a
    refused request would test nothing."""
    if response.status_code not in (statuses or (200, 201)):
        raise SystemExit(f"{response.request['PATH_INFO']}: {response.status_code} {response.content[:2000]!r}")
    return response.json() if response.content else {}


def report_body(full_name: str, category: str) -> dict:
    return {"subject": {"type": "repository", "id": full_name}, "category": category,
            "details": complete_details(category)}  # fmt: skip


def decide(client: APIClient, case_id: int, actions: list[str], section: str) -> dict:
    ok(client.post(f"/api/v1/cases/{case_id}/claim"))
    return ok(client.post(
        f"/api/v1/cases/{case_id}/decide",
        {"actions": actions, "ground": {"policy_section": section}, "intent": "deliberate",
         "statement": STATEMENT, "departure_reason": "Upgrade fixture."},
        format="json",
    ))  # fmt: skip


def grants(permissions) -> list[list[str]]:
    """[app label, model, codename]: the model says where a permission goes when its model moves."""
    return sorted([p.content_type.app_label, p.content_type.model, p.codename] for p in permissions.all())


def sla_rule_facts(sla: SlaRule) -> dict:
    fields = ["id", "priority", "hours_to_decision", "escalate_after_hours", "severity", "four_eyes"]
    return {field: getattr(sla, field) for field in fields}


def notice_template_facts(template: NoticeTemplate) -> dict:
    return {"id": template.pk, "subject": template.subject, "body": template.body}


def table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # the names come from the catalogue
            counts[table] = cursor.fetchone()[0]
    return counts


def seed_old() -> None:
    """What the old `manage.py seed` does (review.seed.seed), with the catalogue cut to LICENSES."""
    moderation.seed.CATALOGUE = tuple(spec for spec in moderation.seed.CATALOGUE if spec.key in LICENSES)
    seed()


def fill() -> dict:
    """Seed, then fill through the old API with the hub and the Transparency Database standing by
    on 127.0.0.1, as the old tests ran; return the facts."""
    seed_old()
    celery_app.conf.task_always_eager = True
    receiver = HubReceiver(secret="whsec_" + base64.b64encode(secrets.token_bytes(32)).decode(), hang_seconds=5).start()
    settings.HUB_WEBHOOK_URL, settings.HUB_WEBHOOK_SECRET = receiver.url, receiver.secret
    tdb = FakeTransparencyDatabase(token="X|token")
    settings.DSA_TDB_ENABLED, settings.DSA_TDB_URL, settings.DSA_TDB_TOKEN = True, tdb.url, "X|token"
    try:
        return fill_through_the_api()
    finally:
        receiver.stop()
        tdb.stop()


def fill_through_the_api() -> dict:
    # The hub: its key, two uploaders and their repositories, synced as the hub syncs them.
    _, hub_key = HubKey.objects.create_key(name="the hub")
    hub = bearer(hub_key)
    for handle in ("uploader", "acme"):
        ok(hub.put(f"/api/v1/hub/accounts/{handle}", {"email": f"{handle}@example.org"}, format="json"))
    for full_name in ("uploader/demo", "uploader/voice-clone", "acme/tiny", "acme/open-weights"):
        owner, name = full_name.split("/")
        ok(hub.put(f"/api/v1/hub/repositories/{owner}/{name}", {"kind": "model", "license": "apache-2.0",
                   "revision": "aaa1111", "files": [{"path": "model.safetensors", "sha256": "a" * 64, "size": 10}]},
                   format="json"))  # fmt: skip

    # Staff, each with a personal token; the moderator's plain key is what the test signs in with.
    moderator, moderator_token = staff_create(username="mod", role_group=MODERATOR)
    _, decider_token = staff_create(username="senior-one", role_group=APPEAL_REVIEWER)
    _, approver_token = staff_create(username="senior-two", role_group=APPEAL_REVIEWER)
    _, appeal_reviewer_token = staff_create(username="senior-three", role_group=APPEAL_REVIEWER)
    admin, _ = staff_create(username="hub-admin", role_group=HUB_ADMIN)

    # Reports: the hub forwards one with an Idempotency-Key (stored with its answer), anyone files the rest.
    idempotency_key = str(uuid.uuid4())
    forwarded_body = json.dumps(report_body("uploader/demo", "other"))
    forwarded = ok(hub.generic("POST", "/api/v1/reports", forwarded_body, content_type="application/json",
                               HTTP_IDEMPOTENCY_KEY=idempotency_key))  # fmt: skip
    spam = ok(APIClient().post("/api/v1/reports", report_body("uploader/voice-clone", "spam"), format="json"))
    proposal_case = ok(APIClient().post("/api/v1/reports", report_body("acme/tiny", "spam"), format="json"))
    open_case = ok(APIClient().post("/api/v1/reports", report_body("acme/open-weights", "other"), format="json"))

    # A decision citing a policy section: a delist, applied at the hub, a strike, the uploader's notice.
    moderator_api = bearer(moderator_token)
    delisted = decide(moderator_api, forwarded["case_id"], ["delist"], "harmful-use")["decision"]
    notice_token = notice_token_for(Decision.objects.get(pk=delisted["id"]))
    # The uploader appeals with the token from their notice, a third reviewer upholds it.
    appeal = ok(APIClient().post("/api/v1/appeals", {"decision": delisted["id"], "statement": "It is mine.",
                                                     "token": notice_token}, format="json"))  # fmt: skip
    ok(bearer(appeal_reviewer_token).post(f"/api/v1/appeals/{appeal['id']}/decide",
                                          {"outcome": "upheld", "statement": "Reviewed."}, format="json"))  # fmt: skip
    # Four eyes: a suspension proposed and approved by a second reviewer, and one left proposed.
    approved = decide(bearer(decider_token), spam["case_id"], ["delist", "suspend_account"], "spam")["decision"]
    ok(bearer(approver_token).post(f"/api/v1/decisions/{approved['id']}/approve"))
    proposed = decide(bearer(decider_token), proposal_case["case_id"], ["suspend_account"], "spam")["decision"]

    # A hub admin edits an SLA rule and a notice template in the admin: edits an upgrade must keep.
    admin_site = Client()
    admin_site.force_login(admin)
    sla = SlaRule.objects.get(category="spam")
    edited_sla = {"category": "spam", "priority": 7, "hours_to_decision": 36, "escalate_after_hours": 12,
                  "severity": "high", "four_eyes": "on"}  # fmt: skip
    ok(admin_site.post(f"/admin/moderation/slarule/{sla.pk}/change/", edited_sla), 302)
    notice = NoticeTemplate.objects.get(kind="statement_of_reasons", language="en")
    edited_notice = {"kind": notice.kind, "language": "en", "subject": "Our decision about {{ subject }}",
                     "body": notice.body + "\nWritten by the hub's trust and safety team.\n"}  # fmt: skip
    ok(admin_site.post(f"/admin/moderation/noticetemplate/{notice.pk}/change/", edited_notice), 302)
    # A grant outside the roles: the moderator may edit SLA rules too.
    moderator.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="moderation", codename__in=["view_slarule", "change_slarule"]
        )
    )

    # Statements of reasons to the DSA Transparency Database (the fake one answers as the real one does).
    submitted = statements_submit_batch()
    if not submitted.created:
        raise SystemExit(f"no statement submitted: {submitted}")
    # Tomorrow, today is a closed day: beat's rollup counts it.
    with time_machine.travel(timezone.now() + timedelta(days=1, hours=2), tick=True):
        if not transparency_rollup_all():
            raise SystemExit("the rollup counted no day")
    # The operator's signed checkpoint of the audit chain, as beat publishes it every ten minutes.
    call_command("publish_audit_checkpoint")

    if not (Strike.objects.exists() and StatementSubmission.objects.exists() and AuditCheckpoint.objects.exists()):
        raise SystemExit("the fill missed a strike, a statement submission or an audit checkpoint")
    user = get_user_model()
    return {
        "tables": table_counts(),
        "content_types": sorted([ct.id, ct.app_label, ct.model] for ct in ContentType.objects.all()),
        "group_permissions": {group.name: grants(group.permissions) for group in Group.objects.order_by("name")},
        "user_permissions": {
            u.username: grants(u.user_permissions)
            for u in user.objects.order_by("username")
            if u.user_permissions.exists()
        },
        "staff_token": {"username": moderator.username, "key": moderator_token},
        "hub_key": hub_key,
        "decisions": {
            str(d.pk): {
                "case": d.case_id,
                "policy_section": d.policy_section.key if d.policy_section else None,
                "approval": d.approval,
            }
            for d in Decision.objects.select_related("policy_section").order_by("pk")
        },
        "statement_submissions": sorted(
            [s.decision.pk, bool(s.submitted_at)] for s in StatementSubmission.objects.select_related("decision")
        ),
        "open_case": open_case["case_id"],
        "proposed_decision": proposed["id"],
        "notice": {"decision": delisted["id"], "token": notice_token, "statement": STATEMENT},
        "hub_admin": admin.username,
        "idempotent_request": {"key": idempotency_key, "body": forwarded_body, "response": forwarded},
        "sla_rule": sla_rule_facts(SlaRule.objects.get(pk=sla.pk)),
        "notice_template": notice_template_facts(NoticeTemplate.objects.get(pk=notice.pk)),
        "admin_log": sorted(
            [entry.pk, entry.content_type.app_label, entry.content_type.model, entry.object_id]
            for entry in LogEntry.objects.select_related("content_type")
        ),
        "audit": {"events": AuditEvent.objects.count(), "checkpoints": AuditCheckpoint.objects.count()},
    }


if __name__ == "__main__":
    facts = fill()
    Path(sys.argv[1]).write_text(json.dumps(facts, indent=1, sort_keys=True) + "\n", encoding="utf-8")
