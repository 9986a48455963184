"""Routing to legal, the legal queue, referrals and preservation holds: who may, what is kept, what is audited."""

from datetime import date, timedelta

import pytest

from hubmod.actors import Actor
from hubmod.audit.models import AuditEvent
from moderation.models import Case
from moderation.restriction import ROUTED_TO_LEGAL_REASON
from moderation.services.cases import case_claim
from referrals.models import PreservationHold, Referral
from tests.conftest import api_for
from tests.factories import RepositoryFactory, appeal_reviewer, hub_admin, moderator
from tests.flows import file
from tests.referrals.conftest import ROLES, client_for, file_with_evidence, legal_user

REFERRAL = {"authority": "national_police", "authority_name": "Polizei Berlin, LKA 7", "reference": "LKA7-2024-81"}


@pytest.mark.django_db
def test_child_safety_cases_open_routed_to_legal_and_only_legal_takes_them(seeded):
    case_id = file(RepositoryFactory(), "child_safety")["case_id"]
    refused = {
        role: api_for(make()).post(f"/api/v1/cases/{case_id}/claim").status_code
        for role, make in (("moderator", moderator), ("appeal_reviewer", appeal_reviewer), ("hub_admin", hub_admin))
    }
    untouched = Case.objects.get(pk=case_id)

    taken = api_for(legal_user()).post(f"/api/v1/cases/{case_id}/claim")

    assert (untouched.state, untouched.escalated_to, untouched.escalation_reason) == (
        "open", "legal", ROUTED_TO_LEGAL_REASON
    )  # fmt: skip
    assert refused == {"moderator": 403, "appeal_reviewer": 403, "hub_admin": 403}
    assert untouched.assignee is None
    assert taken.status_code == 200
    assert taken.json()["state"] == "in_review"


@pytest.mark.django_db
def test_a_restricted_case_cannot_be_handed_to_someone_outside_legal(restricted):
    lawyer = legal_user()
    case_claim(case_id=restricted.case.pk, actor=Actor.staff(lawyer))

    to_moderator = api_for(lawyer).post(
        f"/api/v1/cases/{restricted.case.pk}/reassign", {"assignee": moderator().username}, format="json"
    )

    assert to_moderator.status_code == 400
    assert "only legal works restricted cases" in to_moderator.json()["errors"]["assignee"][0]
    assert Case.objects.get(pk=restricted.case.pk).assignee == lawyer


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_legal_queue_is_legal_only_and_lists_restricted_cases(restricted, role):
    ordinary = file(RepositoryFactory(), "spam")["case_id"]
    child = file(RepositoryFactory(), "child_safety")["case_id"]
    client, _ = client_for(role)

    response = client.get("/api/v1/referrals/queue")

    expected = {"anonymous": 401, "hub": 403, "legal": 200}.get(role, 403)
    assert response.status_code == expected
    if role == "legal":
        listed = {c["id"]: c for c in response.json()}
        assert set(listed) == {restricted.case.pk, child}
        assert ordinary not in listed
        assert (listed[child]["referral_count"], listed[child]["on_hold"]) == (0, False)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_only_legal_records_a_referral(restricted, role):
    client, _ = client_for(role)
    events_before = AuditEvent.objects.count()

    response = client.post(
        "/api/v1/referrals",
        {"case": restricted.case.pk, "referred_at": date.today().isoformat(), **REFERRAL},
        format="json",
    )

    expected = {"anonymous": 401, "hub": 403, "legal": 201}.get(role, 403)
    assert response.status_code == expected
    if role != "legal":
        assert not Referral.objects.exists()
        assert not PreservationHold.objects.exists()
        assert AuditEvent.objects.count() == events_before


@pytest.mark.django_db
def test_a_referral_keeps_what_was_preserved_places_a_hold_and_is_audited(restricted):
    lawyer = legal_user()
    repo = restricted.case.repository
    repo.files.create(path="model.safetensors", sha256="a" * 64, size=1234)

    response = api_for(lawyer).post(
        "/api/v1/referrals",
        {"case": restricted.case.pk, "referred_at": date.today().isoformat(), "notes": "Phoned first.", **REFERRAL},
        format="json",
    )

    body = response.json()
    assert response.status_code == 201
    assert (body["authority"], body["authority_label"], body["reference"]) == (
        "national_police", "Polizei Berlin, LKA 7", "LKA7-2024-81"
    )  # fmt: skip
    preserved = body["preserved"]
    assert preserved["subject"]["id"] == repo.full_name
    assert preserved["subject"]["files"] == [{"path": "model.safetensors", "sha256": "a" * 64, "size": 1234}]
    assert preserved["reports"][0]["id"] == restricted.report.pk
    assert preserved["reports"][0]["evidence"] == [
        {"id": restricted.evidence.pk, "sha256": restricted.evidence.sha256, "size": restricted.evidence.size,
         "content_type": "text/plain"}
    ]  # fmt: skip
    [hold] = body["holds"]
    assert (hold["state"], hold["placed_by"]) == ("active", lawyer.username)
    assert "LKA7-2024-81" in hold["reason"]
    verbs = list(AuditEvent.objects.filter(actor_label=lawyer.username).order_by("seq").values_list("verb", flat=True))
    assert verbs == ["referral.created", "preservationhold.placed"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"authority": "national_police", "reference": "X-1"}, "authority_name"),
        ({"authority": "europol", "reference": "   "}, "reference"),
        ({"authority": "unknown", "reference": "X-1"}, "authority"),
    ],
)
def test_an_incomplete_referral_is_400_and_records_nothing(restricted, body, field):
    response = api_for(legal_user()).post(
        "/api/v1/referrals",
        {"case": restricted.case.pk, "referred_at": date.today().isoformat(), **body},
        format="json",
    )

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_a_referral_in_the_future_or_of_an_unrestricted_case_is_refused(seeded):
    ordinary = file_with_evidence(RepositoryFactory()).case_id
    legal = api_for(legal_user())

    unrestricted = legal.post(
        "/api/v1/referrals", {"case": ordinary, "referred_at": date.today().isoformat(), **REFERRAL}, format="json"
    )

    assert unrestricted.status_code == 400
    assert "Escalate the case to legal first" in unrestricted.json()["errors"]["case"][0]
    child = file(RepositoryFactory(), "child_safety")["case_id"]
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    future = legal.post("/api/v1/referrals", {"case": child, "referred_at": tomorrow, **REFERRAL}, format="json")
    assert future.status_code == 400
    assert "referred_at" in future.json()["errors"]
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_legal_places_and_releases_holds_by_hand_and_others_cannot(restricted):
    lawyer, mod = legal_user(), moderator()

    by_moderator = api_for(mod).post(
        "/api/v1/preservation-holds", {"case": restricted.case.pk, "reason": "Court order."}, format="json"
    )
    placed = api_for(lawyer).post(
        "/api/v1/preservation-holds", {"case": restricted.case.pk, "reason": "Court order 12 O 34/24."}, format="json"
    )
    hold_id = placed.json()["id"]
    release_by_admin = api_for(hub_admin()).post(
        f"/api/v1/preservation-holds/{hold_id}/release", {"reason": "Done."}, format="json"
    )
    still_active = PreservationHold.objects.get(pk=hold_id).state
    released = api_for(lawyer).post(
        f"/api/v1/preservation-holds/{hold_id}/release", {"reason": "The order was lifted."}, format="json"
    )
    again = api_for(lawyer).post(f"/api/v1/preservation-holds/{hold_id}/release", {"reason": "x"}, format="json")

    assert by_moderator.status_code == 403
    assert placed.status_code == 201
    assert release_by_admin.status_code == 403
    assert still_active == "active"
    assert released.status_code == 200
    assert (released.json()["state"], released.json()["released_by"]) == ("released", lawyer.username)
    assert again.status_code == 409
    assert PreservationHold.objects.count() == 1
    hold_events = AuditEvent.objects.filter(target_type="referrals.preservationhold").order_by("seq")
    assert list(hold_events.values_list("verb", "data__reason", "data__release_reason")) == [
        ("preservationhold.placed", "Court order 12 O 34/24.", None),
        ("preservationhold.release", None, "The order was lifted."),
    ]


@pytest.mark.django_db
def test_legal_console_pages_work_for_legal_and_refuse_others(restricted, client):
    lawyer = legal_user()
    client.force_login(moderator())
    refused = [
        client.get(url).status_code for url in ("/console/legal/", f"/console/legal/cases/{restricted.case.pk}/refer")
    ]
    client.force_login(lawyer)

    queue = client.get("/console/legal/")
    created = client.post(
        f"/console/legal/cases/{restricted.case.pk}/refer",
        {"referred_at": date.today().isoformat(), **REFERRAL},
    )
    referral = Referral.objects.get()
    detail = client.get(f"/console/legal/referrals/{referral.pk}/")
    packet = client.get(f"/console/legal/referrals/{referral.pk}/packet")

    assert refused == [403, 403]
    assert queue.status_code == 200
    assert f"/console/cases/{restricted.case.pk}/".encode() in queue.content
    assert created.status_code == 302
    assert detail.status_code == 200
    assert b"LKA7-2024-81" in detail.content
    assert restricted.evidence.sha256.encode() in detail.content
    assert packet.status_code == 200
    assert packet["Content-Type"] == "application/zip"
