"""THE permission test of issue 9: no role but legal reads a restricted case's evidence, through
the API, the download page, the referral packet or the console case page."""

import io
import zipfile
from datetime import date

import pytest
from django.test import Client

from hubmod.actors import Actor
from hubmod.audit.models import AuditEvent
from referrals.services import referral_create
from reports.models import Evidence
from tests.conftest import api_for
from tests.factories import RepositoryFactory, moderator
from tests.flows import committed, file
from tests.referrals.conftest import ROLES, THREAT, client_for, file_with_evidence, legal_user

# role -> (evidence API, download page, packet API, console case page)
EXPECTED = {
    "anonymous": (401, 403, 401, 302),
    "hub": (403, 403, 403, 302),
    "moderator": (403, 403, 403, 200),
    "appeal_reviewer": (403, 403, 403, 200),
    "hub_admin": (403, 403, 403, 200),
    "legal": (200, 200, 200, 200),
}


def _page_client(role, user):
    page = Client()
    if user is not None:
        page.force_login(user)
    elif role == "hub":
        page.defaults["HTTP_AUTHORIZATION"] = client_for("hub")[0]._credentials["HTTP_AUTHORIZATION"]
    return page


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_only_legal_reads_a_restricted_cases_evidence_by_any_path(restricted, role):
    referral = referral_create(
        actor=Actor.staff(legal_user()), case_id=restricted.case.pk, authority="europol",
        referred_at=date.today(), reference="EU-2024-0001",
    )  # fmt: skip
    api, user = client_for(role)
    page = _page_client(role, user)
    evidence_id = restricted.evidence.pk
    events_before = AuditEvent.objects.count()

    by_api = api.get(f"/api/v1/evidence/{evidence_id}")
    by_page = page.get(f"/console/evidence/{evidence_id}")
    by_packet = api.get(f"/api/v1/referrals/{referral.pk}/packet")
    case_page = page.get(f"/console/cases/{restricted.case.pk}/")

    statuses = (by_api.status_code, by_page.status_code, by_packet.status_code, case_page.status_code)
    assert statuses == EXPECTED[role]
    download_link = f"/console/evidence/{evidence_id}".encode()
    if role == "legal":
        assert b"".join(by_api.streaming_content) == THREAT
        assert b"".join(by_page.streaming_content) == THREAT
        packet = zipfile.ZipFile(io.BytesIO(b"".join(by_packet.streaming_content)))
        assert packet.read(f"evidence/{evidence_id}-{restricted.evidence.sha256}") == THREAT
        assert download_link in case_page.content
        verbs = list(AuditEvent.objects.filter(seq__gt=events_before).values_list("verb", "actor_label"))
        assert verbs == [
            ("evidence.read", user.username),
            ("evidence.read", user.username),
            ("referral.packet_exported", user.username),
        ]
        return
    # Denied: never the bytes, no link, and nothing recorded as read or exported.
    for response in (by_api, by_page, by_packet):
        assert not getattr(response, "streaming", False)
        assert THREAT not in response.content
    assert download_link not in case_page.content
    assert THREAT not in case_page.content
    if case_page.status_code == 200:
        assert b"Evidence restricted to legal" in case_page.content
    assert AuditEvent.objects.count() == events_before


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["moderator", "appeal_reviewer", "hub_admin", "legal"])
def test_the_case_api_shows_restricted_evidence_exists_but_gives_its_address_to_legal_only(restricted, role):
    api, _ = client_for(role)

    [report] = api.get(f"/api/v1/cases/{restricted.case.pk}").json()["reports"]

    [evidence] = report["evidence"]
    assert evidence["sha256"] == restricted.evidence.sha256
    if role == "legal":
        assert (evidence["restricted"], evidence["api_url"]) == (False, f"/api/v1/evidence/{restricted.evidence.pk}")
    else:
        assert (evidence["restricted"], evidence["url"], evidence["api_url"]) == (True, None, None)


@pytest.mark.django_db
def test_hub_admins_see_that_a_referral_exists_but_cannot_export_it(restricted):
    from tests.factories import hub_admin

    referral = referral_create(
        actor=Actor.staff(legal_user()), case_id=restricted.case.pk, authority="ncmec_cybertipline",
        referred_at=date.today(), reference="CT-123",
    )  # fmt: skip
    admin = api_for(hub_admin())

    detail = admin.get(f"/api/v1/referrals/{referral.pk}")
    packet = admin.get(f"/api/v1/referrals/{referral.pk}/packet")
    queue = admin.get("/api/v1/referrals/queue")

    assert detail.status_code == 200
    assert detail.json()["reference"] == "CT-123"
    assert (packet.status_code, queue.status_code) == (403, 403)


@pytest.mark.django_db
def test_unrestricted_evidence_stays_readable_by_moderators(seeded):
    report = file_with_evidence(RepositoryFactory())
    evidence = Evidence.objects.get(report=report)

    response = api_for(moderator()).get(f"/api/v1/evidence/{evidence.pk}")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == THREAT
    assert not AuditEvent.objects.filter(verb="evidence.read").exists()


@pytest.mark.django_db
def test_restricted_cases_are_listed_in_legal_queue_only(seeded):
    with committed():
        restricted = file(RepositoryFactory(), "child_safety")["case_id"]
    with committed():
        ordinary = file(RepositoryFactory(), "spam")["case_id"]

    seen_by_moderator = [c["id"] for c in api_for(moderator()).get("/api/v1/cases").json()["results"]]
    seen_by_legal = [c["id"] for c in api_for(legal_user()).get("/api/v1/cases").json()["results"]]

    assert seen_by_moderator == [ordinary]
    assert sorted(seen_by_legal) == sorted([restricted, ordinary])
