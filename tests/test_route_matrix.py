"""Every URL the project routes, from the resolver, against every kind of caller.

A route missing from the table fails here, so a new endpoint cannot escape the question of who
may call it. Each route is called with ids that match nothing: the answer must be a refusal (401,
403, or a redirect to sign-in) for those the table leaves out, and anything but a refusal or a
server error for those it lets in. A permission checked only after the object is looked up shows
up as a 404 for a caller who should have been refused. The per-object rules (a moderator's own
claim, an appeal's different reviewer, legal's cases) are in the tests of each app.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from hub.models import HubKey
from hubmod.staff import roles
from hubmod.staff.models import StaffToken
from tests.factories import UserFactory

ROLES = ("anonymous", "hub", "no_role", "moderator", "appeal_reviewer", "legal", "hub_admin", "superuser")
# Who is let in, by name. `no_role` is a signed-in user with no staff role; `hub` a hub's key.
PUBLIC = frozenset(ROLES)
NOBODY = frozenset()
HUB = frozenset({"hub"})
STAFF = frozenset({"moderator", "appeal_reviewer", "legal", "hub_admin", "superuser"})
HUB_AND_STAFF = HUB | STAFF
ADMINS = frozenset({"hub_admin", "superuser"})
LEGAL_TEAM = frozenset({"legal", "superuser"})
LEGAL_AND_ADMINS = LEGAL_TEAM | ADMINS
# Appeal reviewers are the senior moderators: appeals, and the release stages of proactive review.
SENIOR = frozenset({"appeal_reviewer"}) | ADMINS
HUB_AND_SENIOR = HUB | SENIOR


def routes() -> list[tuple[str, str, object]]:
    """(name, path with placeholder arguments, view) for every route, admin included."""
    found = []

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                found.append(
                    (
                        namespace + (pattern.name or str(pattern.pattern) or "root"),
                        prefix + str(pattern.pattern),
                        pattern.callback,
                    )
                )

    walk(get_resolver().url_patterns)
    return found


def concrete(path: str) -> str:
    """A path to call: every argument a value that names nothing."""
    # The admin's object ids are `<path:...>`, and numbers here: simple-history's admin answers a
    # superuser's non-numeric id with a 500 (a third-party bug, behind the admin's sign-in).
    path = re.sub(r"<(?:int|path):\w+>", "987654", path)
    path = re.sub(r"<(?:str|slug):\w+>|<\w+>", "nothing-here", path)
    if path.startswith("^"):  # a regex route (the admin's)
        path = re.sub(r"\(\?P<\w+>[^)]*\)", "987654", path).strip("^$").replace("\\", "")
    return "/" + path


def methods(view) -> list[str]:
    cls = getattr(view, "view_class", None) or getattr(view, "cls", None)
    if cls is not None:
        return [m for m in ("get", "post", "put", "patch", "delete") if hasattr(cls, m)]
    return ["get", "post"]


def is_refusal(response) -> bool:
    """401, 403, or sent to sign in first (a sign-out's redirect to the sign-in page is no refusal)."""
    if response.status_code in (401, 403):
        return True
    location = response.get("Location", "")
    return response.status_code in (301, 302, 303) and "/login/" in location and "next=" in location


class Callers:
    """A client as each kind of caller; a fresh one where a call may sign its caller out."""

    def __init__(self):
        _, self.hub_key = HubKey.objects.create_key(name="matrix hub")
        self.users, self.tokens = {}, {}
        groups = {
            "moderator": roles.MODERATOR,
            "appeal_reviewer": roles.APPEAL_REVIEWER,
            "legal": roles.LEGAL,
            "hub_admin": roles.HUB_ADMIN,
        }
        for role in ("no_role", *groups):
            self.users[role] = UserFactory(username=f"matrix-{role}", role=groups.get(role))
        self.users["superuser"] = get_user_model().objects.create_superuser("matrix-root", "root@example.org", "x" * 20)
        for role, user in self.users.items():
            _, self.tokens[role] = StaffToken.objects.create_key(name="matrix", user=user)
        self.kept: dict[str, APIClient] = {}

    def client(self, role: str, *, fresh: bool = False) -> APIClient:
        if not fresh and role in self.kept:
            return self.kept[role]
        client = APIClient()
        if not fresh:
            self.kept[role] = client
        if role == "hub":
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {self.hub_key}")
        elif role != "anonymous":
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {self.tokens[role]}")
            client.force_login(self.users[role])
        return client


def admitted(callers: Callers, path: str, method: str) -> frozenset[str]:
    """The roles a call is not refused to; a server error fails at once."""
    let_in = set()
    for role in ROLES:
        client = callers.client(role, fresh="logout" in path)
        response = getattr(client, method)(path, follow=False)
        assert response.status_code < 500, f"{method.upper()} {path} as {role}: {response.status_code}"
        if not is_refusal(response):
            let_in.add(role)
    return frozenset(let_in)


# route name -> method -> who is let in. Public forms and pages answer GET and POST (a wrong
# method is a 405, which lets nobody in); the console's actions refuse before they look anything up.
EXPECTED = {
    "health": {"get": PUBLIC},
    "prometheus-django-metrics": {"get": NOBODY, "post": NOBODY},
    "root": {"get": PUBLIC, "post": PUBLIC, "put": PUBLIC, "patch": PUBLIC, "delete": PUBLIC},
    "api-schema": {"get": PUBLIC},
    "api-docs": {"get": PUBLIC},
    "api-hub-account": {"put": HUB},
    "api-hub-repository": {"get": HUB, "put": HUB},
    "api-hub-events": {"get": ADMINS},
    "api-hub-event-retry": {"post": ADMINS},
    "api-report-categories": {"get": PUBLIC},
    "api-reports": {"post": PUBLIC},
    "api-report-status": {"get": PUBLIC},
    "api-report-evidence": {"post": PUBLIC},
    "api-evidence": {"get": STAFF},
    "api-referrals": {"get": LEGAL_AND_ADMINS, "post": LEGAL_AND_ADMINS},
    "api-referrals-queue": {"get": LEGAL_TEAM},
    "api-referral": {"get": LEGAL_AND_ADMINS},
    "api-referral-packet": {"get": LEGAL_TEAM},
    "api-preservation-holds": {"get": LEGAL_AND_ADMINS, "post": LEGAL_AND_ADMINS},
    "api-preservation-hold-release": {"post": LEGAL_TEAM},
    "api-cases": {"get": STAFF},
    "api-case-counts": {"get": STAFF},
    "api-cases-bulk": {"post": STAFF},
    "api-case": {"get": STAFF},
    "api-case-claim": {"post": STAFF},
    "api-case-release": {"post": STAFF},
    "api-case-reassign": {"post": STAFF},
    "api-case-escalate": {"post": STAFF},
    "api-case-dismiss": {"post": STAFF},
    "api-case-decide": {"post": STAFF},
    "api-decision-approve": {"post": STAFF},
    "api-decision-reject": {"post": STAFF},
    "api-decommissions": {"post": ADMINS},
    "api-automation-resume": {"post": ADMINS},
    "api-enforcement-actions": {"get": STAFF},
    "api-enforcement-action-retry": {"post": STAFF},
    "api-appeals": {"get": SENIOR, "post": PUBLIC},
    "api-appeal-decide": {"post": SENIOR},
    "api-appeal-court-action": {"post": PUBLIC},
    "api-transparency-summary": {"get": PUBLIC},
    "api-audit-checkpoints": {"get": PUBLIC},
    "api-audit-checkpoint-keys": {"get": PUBLIC},
    "api-statements-of-reasons": {"get": PUBLIC},
    "api-policy": {"get": PUBLIC},
    "api-file-scan": {"get": PUBLIC},
    "api-revocations": {"get": PUBLIC},
    "api-revocations-key": {"get": PUBLIC},
    "revocations-well-known": {"get": PUBLIC},
    "api-licenses": {"get": PUBLIC, "post": ADMINS},
    "api-license": {"get": PUBLIC, "patch": ADMINS},
    "api-license-history": {"get": STAFF},
    "api-license-clauses": {"post": ADMINS},
    "api-license-clause": {"patch": ADMINS},
    "api-documentation-checklist": {"get": PUBLIC},
    "api-review-criteria": {"get": PUBLIC},
    "api-release-stages": {"get": PUBLIC},
    "api-reviews": {"get": STAFF},
    "api-review": {"get": STAFF},
    "api-review-claim": {"post": STAFF},
    "api-review-release": {"post": STAFF},
    "api-review-decide": {"post": STAFF},
    "api-release": {"get": HUB_AND_STAFF},
    "api-release-start": {"post": HUB_AND_SENIOR},
    "api-release-advance": {"post": HUB_AND_SENIOR},
    "console-reviews": {"get": STAFF, "post": STAFF},
    "console-review": {"get": STAFF, "post": STAFF},
    "console-review-claim": {"get": PUBLIC, "post": STAFF},
    "console-release-move": {"get": PUBLIC, "post": SENIOR},
    "review-notice": {"get": PUBLIC, "post": PUBLIC},
    "license-catalogue": {"get": PUBLIC, "post": PUBLIC},
    "policy-index": {"get": PUBLIC, "post": PUBLIC},
    "policy-current": {"get": PUBLIC, "post": PUBLIC},
    "policy-versions": {"get": PUBLIC, "post": PUBLIC},
    "policy-version": {"get": PUBLIC, "post": PUBLIC},
    "policy-strikes": {"get": PUBLIC, "post": PUBLIC},
    "policy-appeals": {"get": PUBLIC, "post": PUBLIC},
    "policy-documentation": {"get": PUBLIC, "post": PUBLIC},
    "set_language": {"get": PUBLIC, "post": PUBLIC},
    "transparency": {"get": PUBLIC, "post": PUBLIC},
    "transparency-download": {"get": PUBLIC, "post": PUBLIC},
    "transparency-statement": {"get": PUBLIC, "post": PUBLIC},
    "report-start": {"get": PUBLIC, "post": PUBLIC},
    "report-new": {"get": PUBLIC, "post": PUBLIC},
    "report-status": {"get": PUBLIC, "post": PUBLIC},
    "report-appeal": {"get": PUBLIC, "post": PUBLIC},
    "evidence-download": {"get": STAFF, "post": STAFF},
    "notice": {"get": PUBLIC, "post": PUBLIC},
    "question": {"get": PUBLIC, "post": PUBLIC},
    "console-login": {"get": PUBLIC, "post": PUBLIC, "put": PUBLIC},
    "console-logout": {"get": PUBLIC, "post": PUBLIC},
    "console-legal": {"get": LEGAL_TEAM, "post": LEGAL_TEAM},
    "console-referrals": {"get": LEGAL_AND_ADMINS, "post": LEGAL_AND_ADMINS},
    "console-referral": {"get": LEGAL_AND_ADMINS, "post": LEGAL_AND_ADMINS},
    "console-referral-packet": {"get": LEGAL_TEAM, "post": LEGAL_TEAM},
    "console-referral-new": {"get": LEGAL_TEAM, "post": LEGAL_TEAM},
    "console-hold-new": {"get": LEGAL_TEAM, "post": LEGAL_TEAM},
    "console-hold-release": {"get": LEGAL_TEAM, "post": LEGAL_TEAM},
    "console-queue": {"get": STAFF, "post": STAFF},
    "console-bulk": {"get": STAFF, "post": STAFF},
    "console-enforcement": {"get": STAFF, "post": STAFF},
    "console-appeals": {"get": SENIOR, "post": SENIOR},
    "console-appeal": {"get": SENIOR, "post": SENIOR},
    "console-enforcement-retry": {"get": STAFF, "post": STAFF},
    "console-case": {"get": STAFF, "post": STAFF},
    "console-case-decide": {"get": STAFF, "post": STAFF},
    "console-case-dismiss": {"get": STAFF, "post": STAFF},
    "console-case-move": {"get": STAFF, "post": STAFF},
    "console-false-positive": {"get": STAFF, "post": STAFF},
    "console-case-ask": {"get": STAFF, "post": STAFF},
    "console-queue-view-save": {"get": STAFF, "post": STAFF},
    "console-queue-view-delete": {"get": STAFF, "post": STAFF},
    "console-names": {"get": STAFF, "post": STAFF},
    "console-name-release": {"get": ADMINS, "post": ADMINS},
}

# The Django admin: staff of Django's own kind only; which models a hub admin may open is Django's
# model permissions' business, so only the superuser is expected in and every other role out.
ADMIN_REFUSED = PUBLIC - {"hub_admin", "superuser"}


def test_every_routed_url_is_in_the_table():
    unlisted = sorted(name for name, _, _ in routes() if not name.startswith("admin:") and name not in EXPECTED)
    gone = sorted(set(EXPECTED) - {name for name, _, _ in routes()})

    assert unlisted == [], "new routes: say who may call them in EXPECTED"
    assert gone == [], "routes no longer routed: remove them from EXPECTED"


@pytest.mark.django_db
def test_each_route_lets_in_exactly_whom_the_table_says(seeded, settings):
    settings.METRICS_TOKEN = "matrix-metrics-token"  # as in production: no role here carries it
    callers = Callers()
    wrong = []
    for name, path, view in routes():
        if name.startswith("admin:") or name == "health":
            # The health probe asks nobody who they are, and answers 500 when a part is down (in
            # this suite, no worker answers its ping, after 3 s); tests/test_operations.py has it.
            continue
        for method in methods(view):
            expected = EXPECTED[name].get(method)
            let_in = admitted(callers, concrete(path), method)
            if let_in != expected:
                wrong.append(f"{method.upper()} {name}: let in {sorted(let_in)}, expected {sorted(expected or ())}")

    assert wrong == [], "\n".join(wrong)


@pytest.mark.django_db
def test_the_admin_lets_in_none_of_these_callers_but_its_own_staff(seeded):
    callers = Callers()
    wrong = []
    for name, path, _ in routes():
        if not name.startswith("admin:") or name in ("admin:login", "admin:logout"):
            continue
        let_in = admitted(callers, concrete(path), "get")
        # Lists are the superuser's to read; some pages (adding to an append-only log) are nobody's.
        is_list = name == "admin:index" or name.endswith("_changelist")
        if let_in & ADMIN_REFUSED or (is_list and "superuser" not in let_in):
            wrong.append(f"GET {name} ({concrete(path)}): let in {sorted(let_in)}")

    assert wrong == [], "\n".join(wrong)
