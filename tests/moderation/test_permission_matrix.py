"""Every moderation endpoint against every kind of caller, each on a case in the state the
endpoint needs, so the answer is about who calls and never about the state."""

import pytest
from rest_framework.test import APIClient

from moderation.models import Appeal, EnforcementAction
from tests.conftest import api_for, hub_client
from tests.factories import appeal_reviewer, claimed_case, decided_case, hub_admin, moderator, open_case

ROLES = ["anonymous", "hub", "moderator", "appeal_reviewer", "hub_admin"]
STAFF = {"moderator": moderator, "appeal_reviewer": appeal_reviewer, "hub_admin": hub_admin}
DECIDE = {"actions": ["delist"], "ground": {"policy_section": "harmful-use"}, "intent": "deliberate",
          "statement": "The weights copy the work.", "departure_reason": "Test."}  # fmt: skip


def someone_else():
    return moderator()


# endpoint -> (method, setup(user) -> (path, body), expected status per role)
ENDPOINTS = {
    "queue": ("get", lambda u: ("/api/v1/cases", None), [401, 403, 200, 200, 200]),
    "counts": ("get", lambda u: ("/api/v1/cases/counts", None), [401, 403, 200, 200, 200]),
    "case": ("get", lambda u: (f"/api/v1/cases/{open_case().pk}", None), [401, 403, 200, 200, 200]),
    "claim": ("post", lambda u: (f"/api/v1/cases/{open_case().pk}/claim", None), [401, 403, 200, 200, 200]),
    "release": ("post", lambda u: (f"/api/v1/cases/{claimed_case(u).pk}/release", None), [401, 403, 200, 200, 200]),
    "reassign": (
        "post",
        lambda u: (f"/api/v1/cases/{claimed_case(u).pk}/reassign", {"assignee": someone_else().username}),
        [401, 403, 200, 200, 200],
    ),
    "escalate": (
        "post",
        lambda u: (f"/api/v1/cases/{open_case().pk}/escalate", {"reason": "Legal.", "to": "legal"}),
        [401, 403, 200, 200, 200],
    ),
    "dismiss": (
        "post",
        lambda u: (f"/api/v1/cases/{claimed_case(u).pk}/dismiss", {"reason": "no_violation", "statement": "Fine."}),
        [401, 403, 200, 200, 200],
    ),
    "decide": ("post", lambda u: (f"/api/v1/cases/{claimed_case(u).pk}/decide", DECIDE), [401, 403, 200, 200, 200]),
    "bulk": (
        "post",
        lambda u: ("/api/v1/cases/bulk", {"ids": [open_case().pk], "action": "escalate", "reason": "Many."}),
        [401, 403, 200, 200, 200],
    ),
    "approve": (
        "post",
        lambda u: (f"/api/v1/decisions/{decided_case(someone_else(), actions=['suspend_account']).pk}/approve", None),
        [401, 403, 200, 200, 200],
    ),
    "reject": (
        "post",
        lambda u: (
            f"/api/v1/decisions/{decided_case(someone_else(), actions=['suspend_account']).pk}/reject",
            {"reason": "No."},
        ),
        [401, 403, 200, 200, 200],
    ),
    "actions": ("get", lambda u: ("/api/v1/enforcement-actions?state=failed", None), [401, 403, 200, 200, 200]),
    "retry": (
        "post",
        lambda u: (f"/api/v1/enforcement-actions/{failed_action().pk}/retry", None),
        [401, 403, 200, 200, 200],
    ),
    "court_action": (
        "post",
        lambda u: (f"/api/v1/appeals/{open_appeal().pk}/court-action", {"report": 1, "receipt": "not-the-receipt"}),
        [403, 403, 403, 403, 403],  # only the notifier, with their report's receipt, whoever is signed in
    ),
    "appeal_decide": (
        "post",
        lambda u: (f"/api/v1/appeals/{open_appeal().pk}/decide", {"outcome": "upheld", "statement": "Right."}),
        [401, 403, 403, 200, 200],
    ),
}


def failed_action():
    decision = decided_case(someone_else())
    action = decision.actions.get()
    EnforcementAction.objects.filter(pk=action.pk).update(state="failed", last_error="HTTP 400")
    return action


def open_appeal():
    return Appeal.objects.create(decision=decided_case(someone_else()), appellant="uploader", statement="No.")


def client_for(role):
    if role == "anonymous":
        return APIClient(), None
    if role == "hub":
        return hub_client(), None
    user = STAFF[role]()
    return api_for(user), user


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_permission_matrix(seeded, settings, role, endpoint):
    settings.HUB_WEBHOOK_URL = ""  # deliveries wait; this test is about who may call
    method, setup, expected = ENDPOINTS[endpoint]
    client, user = client_for(role)
    path, body = setup(user or moderator())

    response = getattr(client, method)(path, body, format="json") if body else getattr(client, method)(path)

    assert response.status_code == expected[ROLES.index(role)], response.content[:300]


ROUTES = {
    "queue": "cases",
    "counts": "cases/counts",
    "case": "cases/<int:case_id>",
    "claim": "cases/<int:case_id>/claim",
    "release": "cases/<int:case_id>/release",
    "reassign": "cases/<int:case_id>/reassign",
    "escalate": "cases/<int:case_id>/escalate",
    "dismiss": "cases/<int:case_id>/dismiss",
    "decide": "cases/<int:case_id>/decide",
    "bulk": "cases/bulk",
    "approve": "decisions/<int:decision_id>/approve",
    "reject": "decisions/<int:decision_id>/reject",
    "actions": "enforcement-actions",
    "retry": "enforcement-actions/<int:action_id>/retry",
    "appeal_decide": "appeals/<int:appeal_id>/decide",
    "court_action": "appeals/<int:appeal_id>/court-action",
}


def test_the_matrix_covers_every_moderation_route():
    """A new moderation endpoint fails here until it has a row in the matrix."""
    from django.urls import get_resolver

    api_includes = [p for p in get_resolver().url_patterns if str(p.pattern) == "api/v1/"]
    staff_routes = {
        str(p.pattern)
        for api in api_includes
        for p in api.url_patterns
        if str(p.pattern).startswith(("cases", "decisions", "enforcement", "appeals/"))
    }
    assert staff_routes == set(ROUTES.values())
    assert set(ROUTES) == set(ENDPOINTS)
