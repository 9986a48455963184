"""Schemathesis over every operation of /api/v1/schema/, as every kind of caller: no 5xx, and every
answer is one the schema documents (status code, content type, headers, body).

The schema is the one the running application serves, loaded from it in-process. There is one
test per operation, and each request it generates is sent as each kind of caller. A few real
objects are seeded once for the module, and half of the generated path and query parameters name
one of them, so the fuzzer gets past "not found" too. Each test runs in a transaction rolled back
after it, so every one starts from the same world.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cache

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from django.urls import resolve
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.generation.meta import TestPhase
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from hub.models import HubKey
from hubmod.actors import Actor
from hubmod.seed import seed
from hubmod.staff import roles
from hubmod.staff.models import StaffToken
from hubmod.wsgi import application
from licenses.models import LicenseClause
from moderation.models import Appeal, EnforcementAction
from moderation.services.appeals import appeal_submit
from moderation.services.cases import case_escalate
from referrals.models import PreservationHold, Referral
from referrals.services import referral_create
from reports.evidence import EvidenceFile
from reports.models import Evidence, Report
from reports.services import Origin, ReporterIdentity, Subject, report_file
from review.models import Review
from tests.factories import AccountFactory, RepositoryFactory, UserFactory
from tests.flows import decide
from tests.test_route_matrix import EXPECTED

CALLERS = ("anonymous", "hub", "moderator", "appeal_reviewer", "legal", "hub_admin")
GROUPS = {
    "moderator": roles.MODERATOR,
    "appeal_reviewer": roles.APPEAL_REVIEWER,
    "legal": roles.LEGAL,
    "hub_admin": roles.HUB_ADMIN,
}
ENVIRON = {"REMOTE_ADDR": "203.0.113.7"}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@dataclass
class World:
    """The seeded objects: values for path and query parameters, and each caller's header."""

    parameters: dict[str, list] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)


WORLD = World()

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


def _half_seeded(params: dict | None):
    """The generated parameters, or the same with each one a seeded object's where it has one."""
    known = {name: WORLD.parameters[name] for name in params or {} if WORLD.parameters.get(name)}
    if not known:
        return st.just(params)
    seeded = st.fixed_dictionaries({name: st.sampled_from(values) for name, values in known.items()})
    return st.one_of(st.just(params), seeded.map(lambda values: {**params, **values}))


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    return _half_seeded(path_parameters)


@schema.hook
def flatmap_query(context, query):
    return _half_seeded(query)


@cache
def admitted(method: str, path: str) -> tuple[str, ...]:
    """The callers the route matrix lets into this operation, in CALLERS order."""
    route = resolve(re.sub(r"\{\w+\}", "1", path)).view_name
    return tuple(caller for caller in CALLERS if caller in EXPECTED[route][method.lower()])


def _report(repository):
    content = f"Evidence about {repository.full_name}.\n".encode()
    report, receipt = report_file(
        actor=Actor.reporter(),
        subject=Subject("repository", repository.full_name),
        category="other",
        details={"explanation": "It impersonates a real person."},
        reporter=ReporterIdentity(name="Rita Reporter", email="rita@example.org"),
        origin=Origin(
            source=Report.Source.API,
            evidence=[EvidenceFile("note.txt", content, "text/plain", hashlib.sha256(content).hexdigest())],
        ),
    )
    return report, receipt


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed once for the module, inside a transaction rolled back at its end: a repository with a
    report and its evidence, a decided case with its enforcement action and an appeal, a case
    with legal with a referral and a hold, a repository held for review, and the licenses."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("fuzz-media"))),
        transaction.atomic(),
    ):
        seed()
        staff = {}
        for caller, group in GROUPS.items():
            staff[caller] = UserFactory(username=f"fuzz-{caller}", role=group)
            _, token = StaffToken.objects.create_key(name="fuzz", user=staff[caller])
            WORLD.headers[caller] = {"Authorization": f"Bearer {token}"}
        _, key = HubKey.objects.create_key(name="fuzz hub")
        WORLD.headers["hub"] = {"Authorization": f"Bearer {key}"}
        WORLD.headers["anonymous"] = {}

        owner = AccountFactory(handle="fuzz-owner")
        report, receipt = _report(RepositoryFactory(owner=owner, name="fuzz-model", license_key="llama3.1"))
        decided, _ = _report(RepositoryFactory(owner=owner, name="fuzz-decided"))
        moderator = APIClient()
        moderator.credentials(HTTP_AUTHORIZATION=WORLD.headers["moderator"]["Authorization"])
        decision_id = decide(moderator, decided.case_id).json()["decision"]["id"]
        appeal = appeal_submit(
            actor=Actor.uploader(owner.handle),
            decision_id=decision_id,
            appellant=Appeal.Appellant.UPLOADER,
            statement="The model is a parody and says so in its card.",
        )
        restricted, _ = _report(RepositoryFactory(owner=owner, name="fuzz-restricted"))
        case_escalate(case_id=restricted.case_id, actor=Actor.staff(staff["moderator"]), reason="A threat.", to="legal")
        referral = referral_create(
            actor=Actor.staff(staff["legal"]),
            case_id=restricted.case_id,
            authority=Referral.Authority.EUROPOL,
            referred_at=timezone.localdate(),
            reference="FUZZ-1",
        )
        hub = APIClient()
        hub.credentials(HTTP_AUTHORIZATION=WORLD.headers["hub"]["Authorization"])
        hub.put(
            f"/api/v1/hub/repositories/{owner.handle}/fuzz-reviewed",
            {"kind": "model", "review_requested": True},
            format="json",
        )
        WORLD.parameters.update(
            owner=[owner.handle],
            name=["fuzz-model", "fuzz-decided", "fuzz-reviewed"],
            handle=[owner.handle],
            report_id=[report.pk],
            receipt=[receipt],
            case_id=[report.case_id, decided.case_id, restricted.case_id],
            evidence_id=list(Evidence.objects.values_list("pk", flat=True)),
            decision_id=[decision_id],
            action_id=list(EnforcementAction.objects.values_list("pk", flat=True)),
            appeal_id=[appeal.pk],
            referral_id=[referral.pk],
            hold_id=list(PreservationHold.objects.values_list("pk", flat=True)),
            review_id=list(Review.objects.values_list("pk", flat=True)),
            key=["llama3.1", "mit"],
            clause_id=list(LicenseClause.objects.filter(license__key="llama3.1").values_list("pk", flat=True)[:3]),
        )
        assert all(WORLD.parameters.values()), WORLD.parameters
        yield WORLD
        WORLD.parameters.clear()
        WORLD.headers.clear()
        transaction.set_rollback(True)


@pytest.fixture
def wsgi_requests_keep_the_connection():
    """Schemathesis calls the WSGI application, which closes the database connection around each
    request (close_old_connections) and with it the test's transaction; Django's test client
    disconnects the same receivers for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=6,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
        # The world is seeded once and each example's writes stay for the next: on purpose.
        HealthCheck.function_scoped_fixture,
    ],
)
def test_api_fuzz(case, world, db, wsgi_requests_keep_the_connection):
    """Whatever the input and whoever sends it, no 5xx, and the answer is one the schema documents.

    Each generated request is sent once as each kind of caller, so they all meet the same input. The
    coverage phase's many boundary cases (every field at its limits, missing, of the wrong type)
    go to one caller the operation lets in: refused callers never get past the permission check.
    """
    if case.headers:
        case.headers.pop("Authorization", None)  # the key schemathesis made up: callers bring their own
    callers = CALLERS
    if case.meta is not None and case.meta.phase.name == TestPhase.COVERAGE:
        callers = admitted(case.operation.method, case.operation.path)[:1]
    for caller in callers:
        # X-Fuzz-Caller names the caller in a failure's curl line, where the key itself is filtered.
        headers = {**world.headers[caller], "X-Fuzz-Caller": caller}
        # A WSGI server always tells the application the client's address; the in-process client does not.
        case.call_and_validate(headers=headers, checks=CHECKS, environ_base=ENVIRON)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/v1/cases/-1", "/api/v1/cases/abc/claim", "/api/v1/hub/accounts/", "/api/v1/nothing"]
)
def test_an_api_path_no_route_matches_is_a_json_404(client, path):
    """API.md: every error is JSON, a path no route matches (say, an id that is not digits) included.
    The fuzzer meets these when it breaks a path parameter on purpose."""
    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "/api/v1/schema/" in response.json()["detail"]
