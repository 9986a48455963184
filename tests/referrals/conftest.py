"""Fixtures for referrals: a legal user, and a restricted case (escalated to legal as a threat to
life or safety) whose report carries an evidence file."""

import hashlib
from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from hubmod.actors import Actor
from hubmod.staff.roles import LEGAL
from moderation.models import Case
from moderation.services.cases import case_escalate
from reports.evidence import EvidenceFile
from reports.models import Evidence, Report
from reports.services import Origin, ReporterIdentity, Subject, report_file
from tests.conftest import api_for, hub_client
from tests.factories import RepositoryFactory, UserFactory, appeal_reviewer, hub_admin, moderator

THREAT = b"I will hurt the people at the meetup on Friday. -- posted in the model card\n"
ROLES = ["anonymous", "hub", "moderator", "appeal_reviewer", "hub_admin", "legal"]


def legal_user(**kwargs):
    return UserFactory(role=LEGAL, **kwargs)


STAFF = {"moderator": moderator, "appeal_reviewer": appeal_reviewer, "hub_admin": hub_admin, "legal": legal_user}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Evidence files of these tests go to a folder of their own."""
    settings.MEDIA_ROOT = tmp_path / "media"


def file_with_evidence(repo, content: bytes = THREAT, *, category: str = "other", name: str = "threat.txt") -> Report:
    report, _ = report_file(
        actor=Actor.reporter(),
        subject=Subject("repository", repo.full_name),
        category=category,
        details={"explanation": "A threat against named people."},
        reporter=ReporterIdentity(name="Rita Reporter", email="rita@example.org"),
        origin=Origin(
            source=Report.Source.API,
            evidence=[EvidenceFile(name, content, "text/plain", hashlib.sha256(content).hexdigest())],
        ),
    )
    return report


@dataclass
class Restricted:
    case: Case
    report: Report
    evidence: Evidence


@pytest.fixture
def restricted(seeded) -> Restricted:
    """A case a moderator escalated to legal as a threat to life or safety, with one evidence file."""
    report = file_with_evidence(RepositoryFactory())
    case_escalate(
        case_id=report.case_id, actor=Actor.staff(moderator()), reason="Threat to life or safety.", to="legal"
    )
    return Restricted(Case.objects.get(pk=report.case_id), report, report.evidence.get())


def client_for(role: str):
    """An API client for `role` and its user (None for anonymous and the hub)."""
    if role == "anonymous":
        return APIClient(), None
    if role == "hub":
        return hub_client(), None
    user = STAFF[role]()
    return api_for(user), user
