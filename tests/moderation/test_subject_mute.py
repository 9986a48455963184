"""A subject's mute after a clean review: reports in the case's category join it silently until the
mute ends. A moderator sets it when dismissing, or later from the case page: lengthens it, shortens
it, ends it; each change is in the audit log, and the page says how many reports joined silently."""

import pytest
from django.test import Client

from hubmod.actors import Actor
from hubmod.audit.models import AuditEvent
from moderation.models import Case
from moderation.services.cases import case_claim
from moderation.services.decisions import case_dismiss
from tests.factories import RepositoryFactory, UserFactory, moderator
from tests.flows import file


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def reviewed_clean(repo, by, *, days=None) -> Case:
    case_id = file(repo, "other")["case_id"]
    case_claim(case_id=case_id, actor=Actor.staff(by))
    case_dismiss(
        case_id=case_id, actor=Actor.staff(by), reason="no_violation", statement="Benign.", clean_for_days=days
    )
    return Case.objects.get(pk=case_id)


@pytest.mark.django_db
def test_a_moderator_mutes_a_subject_after_the_review_and_the_brigade_joins_silently(seeded):
    repo, mod = RepositoryFactory(), moderator()
    case = reviewed_clean(repo, mod)

    muted = signed_in(mod).post(f"/console/cases/{case.pk}/mute", {"days": "14"})
    brigade = [file(repo, "other")["case_id"] for _ in range(3)]
    page = signed_in(mod).get(f"/console/cases/{case.pk}/").content.decode()

    assert muted.status_code == 302
    assert set(brigade) == {case.pk}
    assert Case.objects.filter(state__in=["open", "reopened"]).count() == 0
    assert 'data-testid="mute"' in page
    assert "3 report(s) joined silently since the review" in page
    event = AuditEvent.objects.filter(verb="case.mute").get()
    assert (event.actor_label, event.data["days"]) == (mod.get_username(), 14)


@pytest.mark.django_db
def test_ending_the_mute_lets_the_next_report_open_a_case(seeded):
    repo, mod = RepositoryFactory(), moderator()
    case = reviewed_clean(repo, mod, days=30)

    ended = signed_in(mod).post(f"/console/cases/{case.pk}/mute", {"days": "0"})
    after = file(repo, "other")["case_id"]

    assert ended.status_code == 302
    assert after != case.pk
    assert Case.objects.get(pk=after).state == "open"
    assert AuditEvent.objects.filter(verb="case.unmute").count() == 1


@pytest.mark.django_db
def test_only_a_case_reviewed_clean_can_be_muted_and_only_by_a_moderator(seeded, hub_receiver):
    repo, mod = RepositoryFactory(), moderator()
    open_one = file(repo, "spam")["case_id"]
    clean = reviewed_clean(RepositoryFactory(), mod)
    reader = UserFactory()

    on_open = signed_in(mod).post(f"/console/cases/{open_one}/mute", {"days": "7"}, follow=True)
    too_long = signed_in(mod).post(f"/console/cases/{clean.pk}/mute", {"days": "4000"}, follow=True)
    not_staff = signed_in(reader).post(f"/console/cases/{clean.pk}/mute", {"days": "7"})

    assert "Only a case reviewed and found clean can be muted" in on_open.content.decode()
    assert "Ensure this value is less than or equal to 365" in too_long.content.decode()
    assert not_staff.status_code in (302, 403)
    assert Case.objects.get(pk=clean.pk).clean_until is None
    assert not AuditEvent.objects.filter(verb__in=["case.mute", "case.unmute"]).exists()
