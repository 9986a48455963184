"""Working through the queue a case at a time in the console: "decide and go to next" and "dismiss
and go to next" land on the next case of the queue the moderator came from (its filters carried in
the URL), skip cases someone else has claimed, and go back to the queue when nothing is left; the
case page links its neighbours in the queue's order. And the case page's evidence: images inline,
blurred, with a link; a restricted case's never inline."""

import re

import pytest
from django.test import Client

from hubmod.actors import Actor
from hubmod.audit.models import AuditEvent
from hubmod.staff.roles import LEGAL
from moderation.models import Case, Decision
from moderation.selectors import Neighbours, QueueFilters, case_neighbours
from moderation.services.cases import case_claim, case_escalate
from tests.factories import UserFactory, moderator, open_case
from tests.moderation.image_evidence import evidence_file, png, report_with, report_with_image

# The ladder recommends a warning for a low-severity case of unknown intent: no departure to explain.
DECIDE = {"actions": ["warn"], "ground": "policy:harmful-use", "intent": "unknown", "statement": "The card misleads."}
DISMISS = {"reason": "no_violation", "statement": "Nothing in the repository breaks the policy."}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def claimed(case, user):
    case_claim(case_id=case.pk, actor=Actor.staff(user))
    return case


def neighbour_links(page: str) -> dict[str, str]:
    """The case page's links to the previous and next case: {"prev": url, "next": url}."""
    links = re.findall(r'<a href="([^"]+)" rel="(prev|next)"', page)
    return {rel: url.replace("&amp;", "&") for url, rel in links}


@pytest.mark.django_db
def test_decide_and_go_to_next_skips_a_case_someone_else_claimed(seeded):
    me, colleague = moderator(), moderator()
    first, taken, third = open_case(), open_case(), open_case()
    claimed(taken, colleague)
    claimed(first, me)

    response = signed_in(me).post(f"/console/cases/{first.pk}/decide", {**DECIDE, "then": "next"})

    assert response.status_code == 302
    assert response["Location"] == f"/console/cases/{third.pk}/"
    assert Decision.objects.get().case_id == first.pk
    assert Case.objects.get(pk=first.pk).state == Case.State.RESOLVED


@pytest.mark.django_db
def test_a_plain_decision_stays_on_the_case(seeded):
    me = moderator()
    first, _second = claimed(open_case(), me), open_case()

    response = signed_in(me).post(f"/console/cases/{first.pk}/decide?category=other", DECIDE)

    assert response["Location"] == f"/console/cases/{first.pk}/?category=other"


@pytest.mark.django_db
def test_the_next_case_is_the_next_of_the_filtered_queue_and_the_filters_go_along(seeded):
    me = moderator()
    first_spam = claimed(open_case(category="spam"), me)
    open_case(category="other")
    second_spam = open_case(category="spam")

    response = signed_in(me).post(f"/console/cases/{first_spam.pk}/decide?category=spam&assignee=none",
                                  {**DECIDE, "ground": "policy:spam", "then": "next"})  # fmt: skip

    assert response["Location"] == f"/console/cases/{second_spam.pk}/?category=spam&assignee=none"


@pytest.mark.django_db
def test_after_the_last_case_of_the_queue_the_moderator_is_back_at_the_queue_and_told_so(seeded):
    me = moderator()
    open_case(category="other")
    last_spam = claimed(open_case(category="spam"), me)
    client = signed_in(me)

    response = client.post(f"/console/cases/{last_spam.pk}/decide?category=spam",
                           {**DECIDE, "ground": "policy:spam", "then": "next"})  # fmt: skip
    queue = client.get(response["Location"])

    assert response["Location"] == "/console/?category=spam"
    assert "Nothing else is waiting in this queue." in queue.content.decode()


@pytest.mark.django_db
def test_dismiss_and_go_to_next_lands_on_the_next_case(seeded):
    me = moderator()
    first, second = claimed(open_case(), me), open_case()

    response = signed_in(me).post(f"/console/cases/{first.pk}/dismiss", {**DISMISS, "then": "next"})

    assert response["Location"] == f"/console/cases/{second.pk}/"
    assert Decision.objects.get().outcome == Decision.Outcome.DISMISSED


@pytest.mark.django_db
def test_a_refused_decision_does_not_move_on_and_says_why(seeded):
    me = moderator()
    first, _second = claimed(open_case(), me), open_case()

    response = signed_in(me).post(f"/console/cases/{first.pk}/decide", {**DECIDE, "statement": "", "then": "next"})

    assert response.status_code == 400
    assert "Statement of reasons: This field is required." in response.content.decode()
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_neighbours_follow_the_queue_order_and_end_at_its_ends(seeded):
    me = moderator()
    low_first, low_second = open_case(category="other"), open_case(category="other")
    # Created last, but critical: the queue puts it first.
    urgent = open_case(category="malicious_code")

    def around(case):
        return case_neighbours(case=case, user=me, filters=QueueFilters())

    assert around(urgent) == Neighbours(previous=None, next=low_first.pk)
    assert around(low_first) == Neighbours(previous=urgent.pk, next=low_second.pk)
    assert around(low_second) == Neighbours(previous=low_first.pk, next=None)


@pytest.mark.django_db
def test_neighbours_of_a_decided_case_are_where_it_stood_in_the_queue(seeded):
    me = moderator()
    first, second, third = open_case(), claimed(open_case(), me), open_case()
    signed_in(me).post(f"/console/cases/{second.pk}/decide", DECIDE)

    assert case_neighbours(case=Case.objects.get(pk=second.pk), user=me) == Neighbours(first.pk, third.pk)


@pytest.mark.django_db
def test_a_filter_naming_an_assignee_keeps_their_claimed_cases_as_neighbours(seeded):
    me, colleague = moderator(username="mia"), moderator(username="bo")
    first, second = claimed(open_case(), colleague), claimed(open_case(), colleague)

    by_name = case_neighbours(case=first, user=me, filters=QueueFilters(assignee="bo"))
    unfiltered = case_neighbours(case=first, user=me, filters=QueueFilters())

    assert by_name == Neighbours(previous=None, next=second.pk)
    assert unfiltered == Neighbours(previous=None, next=None)


@pytest.mark.django_db
def test_the_case_page_links_its_neighbours_with_the_filters_and_the_queue_links_carry_them(seeded):
    me = moderator()
    first, _other, middle, last = (open_case(category="spam"), open_case(category="other"),
                                   open_case(category="spam"), open_case(category="spam"))  # fmt: skip
    client = signed_in(me)

    queue = client.get("/console/?category=spam&overdue=&cursor=").content.decode()
    at_first = neighbour_links(client.get(f"/console/cases/{first.pk}/?category=spam").content.decode())
    in_middle = neighbour_links(client.get(f"/console/cases/{middle.pk}/?category=spam").content.decode())
    at_last = neighbour_links(client.get(f"/console/cases/{last.pk}/?category=spam").content.decode())

    assert f'href="/console/cases/{middle.pk}/?category=spam"' in queue
    assert at_first == {"next": f"/console/cases/{middle.pk}/?category=spam"}
    assert in_middle == {"prev": f"/console/cases/{first.pk}/?category=spam",
                         "next": f"/console/cases/{last.pk}/?category=spam"}  # fmt: skip
    assert at_last == {"prev": f"/console/cases/{middle.pk}/?category=spam"}


@pytest.mark.django_db
def test_a_broken_filter_on_a_case_page_is_left_out_not_refused(seeded):
    me = moderator()
    first, second = open_case(), open_case()

    response = signed_in(me).get(f"/console/cases/{first.pk}/?state=nonsense&overdue=on")

    assert response.status_code == 200
    assert neighbour_links(response.content.decode()) == {}  # overdue: nothing is due yet
    response = signed_in(me).get(f"/console/cases/{first.pk}/?state=nonsense")
    assert neighbour_links(response.content.decode()) == {"next": f"/console/cases/{second.pk}/"}


@pytest.mark.django_db
def test_the_case_page_offers_both_submits_and_shows_image_evidence_blurred_with_a_link(seeded):
    me = moderator()
    report = report_with(evidence_file("shot.png", png(8, 8), "image/png"),
                         evidence_file("notes.txt", b"notes", "text/plain"))  # fmt: skip
    shot, notes = report.evidence.get(original_name="shot.png"), report.evidence.get(original_name="notes.txt")
    claimed(report.case, me)

    page = signed_in(me).get(f"/console/cases/{report.case_id}/").content.decode()

    assert '<button type="submit" name="then" value="next" data-key="n">Decide and go to next</button>' in page
    assert '<button type="submit" name="then" value="next">Dismiss and go to next</button>' in page
    assert f'<figure class="evidence-image" data-evidence-id="{shot.pk}"' in page
    assert f'<img src="/console/evidence/{shot.pk}" alt="Image evidence shot.png (image/png)">' in page
    assert f'<a href="/console/evidence/{shot.pk}">shot.png (image/png)</a>' in page
    assert f'<p><a href="/console/evidence/{notes.pk}">notes.txt (text/plain)</a></p>' in page
    assert f'data-evidence-id="{notes.pk}"' not in page
    assert '<script src="/static/hubmod/console.js" defer></script>' in page


@pytest.mark.django_db
def test_restricted_image_evidence_is_never_put_on_the_page_not_even_for_legal(seeded):
    report = report_with_image("shot.png")
    case_escalate(case_id=report.case_id, actor=Actor.staff(moderator()), reason="A threat to life.", to="legal")
    shot = report.evidence.get()
    events_before = AuditEvent.objects.filter(verb="evidence.read").count()

    for_legal = signed_in(UserFactory(role=LEGAL)).get(f"/console/cases/{report.case_id}/").content.decode()
    for_moderator = signed_in(moderator()).get(f"/console/cases/{report.case_id}/").content.decode()

    assert f'<p><a href="/console/evidence/{shot.pk}">shot.png (image/png)</a></p>' in for_legal
    assert "<img" not in for_legal
    assert "<img" not in for_moderator
    assert f"/console/evidence/{shot.pk}" not in for_moderator
    assert 'data-testid="evidence-restricted"' in for_moderator
    # Nothing was read by showing the pages: legal's every read of restricted evidence is audited.
    assert AuditEvent.objects.filter(verb="evidence.read").count() == events_before
