"""Asking the uploader before deciding: who may ask, the e-mail and its link, the answer page, and
the case's SLA clock that stops while the uploader takes their time."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hubmod.actors import Actor
from hubmod.audit.models import AuditEvent
from hubmod.errors import ApplicationError, Conflict, Forbidden
from moderation.models import Case
from moderation.services.questions import (
    question_ask,
    question_for_token,
    question_send,
    question_token_for,
    questions_sweep,
)
from tests.factories import AccountFactory, RepositoryFactory, claimed_case, moderator

QUESTION = "Is the dataset in data/ yours to publish, or licensed from someone?"


@pytest.fixture
def case_with_uploader(seeded):
    mia = moderator()
    case = claimed_case(mia)
    owner = case.uploader
    owner.email, owner.language = "ada@acme.example", "de"
    owner.save(update_fields=["email", "language"])
    return mia, case


def answer_page(question):
    return f"/questions/{question_token_for(question)}/"


@pytest.mark.django_db
def test_the_assignee_asks_the_case_waits_and_the_uploader_gets_a_link_in_their_language(case_with_uploader,
                                                                                          mailoutbox):  # fmt: skip
    mia, case = case_with_uploader
    due_before = case.due_at

    question = question_ask(actor=Actor.staff(mia), case_id=case.pk, text=QUESTION)
    assert question_send(question_id=question.pk)
    assert not question_send(question_id=question.pk)  # once

    case.refresh_from_db()
    assert case.due_at == due_before + timedelta(days=7)
    [mail] = mailoutbox
    assert mail.to == ["ada@acme.example"]
    assert "Frage" in mail.subject  # German, the account's language
    assert QUESTION in mail.body
    # The link's token carries the time it was signed: read it back rather than sign another.
    token = re.search(r"/questions/([^/\s]+)/", mail.body).group(1)
    assert question_for_token(token) == question
    assert AuditEvent.objects.filter(verb="case.question_asked", target_id=str(case.pk)).exists()


@pytest.mark.django_db
def test_only_the_assignee_asks_one_question_at_a_time_and_never_without_an_address(case_with_uploader):
    mia, case = case_with_uploader
    with pytest.raises(Conflict, match="Claim the case first"):
        question_ask(actor=Actor.staff(moderator()), case_id=case.pk, text=QUESTION)
    with pytest.raises(Forbidden):
        question_ask(actor=Actor.reporter(), case_id=case.pk, text=QUESTION)
    with pytest.raises(ApplicationError, match="Write the question"):
        question_ask(actor=Actor.staff(mia), case_id=case.pk, text="   ")
    question_ask(actor=Actor.staff(mia), case_id=case.pk, text=QUESTION)
    with pytest.raises(Conflict, match="still waiting"):
        question_ask(actor=Actor.staff(mia), case_id=case.pk, text="And another thing?")

    other = moderator()
    silent = claimed_case(other)
    silent.uploader.email = ""
    silent.uploader.save(update_fields=["email"])
    with pytest.raises(ApplicationError, match="no e-mail address"):
        question_ask(actor=Actor.staff(other), case_id=silent.pk, text=QUESTION)


@pytest.mark.django_db
def test_the_uploader_answers_on_their_page_once_and_the_unused_time_comes_back(case_with_uploader):
    mia, case = case_with_uploader
    due_before = Case.objects.get(pk=case.pk).due_at
    question = question_ask(actor=Actor.staff(mia), case_id=case.pk, text=QUESTION)
    uploader = Client()

    page = uploader.get(answer_page(question))
    assert page.status_code == 200
    assert QUESTION in page.content.decode()
    assert uploader.post(answer_page(question), {"answer": ""}).status_code == 400
    answered = uploader.post(answer_page(question), {"answer": "It is ours: we collected it in 2024."}, follow=True)

    assert "It is ours" in answered.content.decode()
    question.refresh_from_db()
    assert question.answered_at is not None
    waited = question.answered_at - question.created_at
    assert abs(Case.objects.get(pk=case.pk).due_at - (due_before + waited)) < timedelta(seconds=1)
    again = uploader.post(answer_page(question), {"answer": "Something else."})
    assert again.status_code == 409
    question.refresh_from_db()
    assert question.answer == "It is ours: we collected it in 2024."
    event = AuditEvent.objects.get(verb="case.question_answered")
    assert event.actor_label == f"@{case.uploader.handle}"


@pytest.mark.django_db
def test_a_late_answer_or_a_forged_link_is_refused_saying_why(case_with_uploader):
    mia, case = case_with_uploader
    question = question_ask(actor=Actor.staff(mia), case_id=case.pk, text=QUESTION)
    question.answer_due_at = timezone.now() - timedelta(minutes=1)
    question.save(update_fields=["answer_due_at"])

    late = Client().post(answer_page(question), {"answer": "Sorry I am late."})
    assert late.status_code == 409
    assert "The time to answer ended" in late.content.decode()
    assert Client().get("/questions/not-a-token/").status_code == 404


@pytest.mark.django_db
def test_questions_the_broker_lost_are_sent_by_the_sweep(case_with_uploader, mailoutbox):
    mia, case = case_with_uploader
    question = question_ask(actor=Actor.staff(mia), case_id=case.pk, text=QUESTION)
    type(question).objects.filter(pk=question.pk).update(created_at=timezone.now() - timedelta(minutes=10))

    assert questions_sweep() == 1  # eager in these tests: sent at once
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_the_question_never_names_a_reporter(seeded, mailoutbox):
    from reports.services import Origin, ReporterIdentity, Subject, report_file

    repo = RepositoryFactory(owner=AccountFactory(email="ada@acme.example"))
    report, _ = report_file(
        actor=Actor.reporter(),
        subject=Subject("repository", repo.full_name),
        category="other",
        details={"explanation": "It explains how to make a weapon."},
        reporter=ReporterIdentity(name="Rita Reporter", email="rita@reporter.example"),
        origin=Origin(source="form"),
    )
    mia = moderator()
    from moderation.services.cases import case_claim

    case_claim(case_id=report.case_id, actor=Actor.staff(mia))
    question = question_ask(actor=Actor.staff(mia), case_id=report.case_id, text=QUESTION)
    question_send(question_id=question.pk)

    [mail] = mailoutbox
    assert "Rita" not in mail.body
    assert "rita@" not in mail.body
    page = Client().get(answer_page(question)).content.decode()
    assert "Rita" not in page
    assert "rita@" not in page


@pytest.mark.django_db
def test_the_case_page_asks_shows_the_wait_and_the_answer_and_says_it_in_words(case_with_uploader):
    mia, case = case_with_uploader
    console = Client()
    console.force_login(mia)

    page = console.get(f"/console/cases/{case.pk}/").content.decode()
    assert 'aria-label="Ask the uploader"' in page
    asked = console.post(f"/console/cases/{case.pk}/ask", {"text": QUESTION}, follow=True).content.decode()
    assert "Sent to the uploader" in asked
    assert 'data-testid="waiting-for-uploader"' in asked
    assert "asked the uploader (answer due" in asked  # the audit trail in words

    question = case.questions.get()
    Client().post(answer_page(question), {"answer": "We wrote every line of it."})
    page = console.get(f"/console/cases/{case.pk}/").content.decode()
    assert "We wrote every line of it." in page
    assert "the uploader answered" in page
    assert "<td>claimed" in page


@pytest.mark.django_db
def test_the_moderator_sees_what_outcome_the_reporter_asks_for(seeded, client):
    from reports.services import Origin, ReporterIdentity, Subject, report_file

    repo = RepositoryFactory()
    report, _ = report_file(
        actor=Actor.reporter(),
        subject=Subject("repository", repo.full_name),
        category="other",
        details={"explanation": "Its card advertises it for phishing."},
        reporter=ReporterIdentity(),
        origin=Origin(source="form"),
        outcome_sought="restrict",
    )
    client.force_login(moderator())
    page = client.get(f"/console/cases/{report.case_id}/").content.decode()
    assert "The reporter asks: <strong>Restrict who can see or download it</strong>" in page
