"""Asking the uploader before deciding: the moderator's question, the e-mail with its signed link,
and the uploader's answer. Every step is in the audit log and on the case.

While the case waits for the answer its SLA clock stops: asking moves the case's due date out by
the answer window, and an answer that comes early gives back the time it did not use. Nothing about
a reporter is ever put into the question: the moderator writes it, and the e-mail carries only it.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hubmod.actors import Actor
from hubmod.audit import log as audit
from hubmod.errors import ApplicationError, Conflict, Forbidden
from hubmod.i18n import notice_language
from hubmod.tasks import dispatch_now, dispatch_on_commit
from moderation.models import Case, UploaderQuestion
from moderation.services.cases import locked_case
from policy.messages import placeholders_left, template_texts
from policy.models import MessageTemplate

QUESTION_SALT = "hubmod.question"
QUESTION_MAX_CHARS = 5_000
ANSWER_MAX_CHARS = 20_000
QUESTION_SEND_TASK = "moderation.question_send"
QUESTION_SWEEP_AFTER = timedelta(minutes=5)


def question_token_for(question: UploaderQuestion) -> str:
    """The signed token of the uploader's answer link: who holds it may answer this question."""
    return signing.dumps({"question": question.pk}, salt=QUESTION_SALT)


def question_for_token(token: str) -> UploaderQuestion | None:
    try:
        payload = signing.loads(token, salt=QUESTION_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("question"), int):
        return None
    return (
        UploaderQuestion.objects.select_related("case__repository__owner", "case__account")
        .filter(pk=payload["question"])
        .first()
    )


def question_url(question: UploaderQuestion) -> str:
    return f"{settings.BASE_URL}{reverse('question', args=[question_token_for(question)])}"


@transaction.atomic
def question_ask(*, actor: Actor, case_id: int, text: str) -> UploaderQuestion:
    """The assignee asks the uploader; the case waits (its SLA clock stops) until the answer or
    the answer's deadline."""
    case = locked_case(case_id)
    if not actor.has_perm("moderation.decide_case"):
        raise Forbidden("Only a moderator can ask the uploader.")
    if case.state != Case.State.IN_REVIEW or case.assignee_id != actor.user_id:
        raise Conflict("Claim the case first: only its assignee asks the uploader.", state=case.state)
    text = text.strip()
    if not text:
        raise ApplicationError("Write the question.", field_errors={"text": ["Write the question."]})
    left = placeholders_left(text, template_texts(MessageTemplate.Kind.QUESTION))
    if left:
        write_over = f"Replace {' and '.join(left[:2])} with what you want to know, in your own words."
        raise ApplicationError(
            "The question still holds the template's placeholders.", field_errors={"text": [write_over]}
        )
    if len(text) > QUESTION_MAX_CHARS:
        too_long = f"At most {QUESTION_MAX_CHARS:,} characters; this is {len(text):,}."
        raise ApplicationError("The question is too long.", field_errors={"text": [too_long]})
    if not case.uploader.email:
        raise ApplicationError(
            "hubmod knows no e-mail address for the uploader: the hub has not synced one for the account."
        )
    now = timezone.now()
    if any(q.waiting(now) for q in case.questions.all()):
        raise Conflict("A question to the uploader is still waiting for its answer.", state=case.state)
    window = timedelta(days=settings.QUESTION_ANSWER_DAYS)
    question = UploaderQuestion.objects.create(
        case=case, asked_by=actor.person(what="a question"), text=text, answer_due_at=now + window
    )
    case.due_at += window
    case.save(update_fields=["due_at", "updated_at"])
    audit.record(
        actor=actor,
        verb="case.question_asked",
        target=case,
        data={"question": question.pk, "answer_due_at": question.answer_due_at.isoformat(),
              "due_at": case.due_at.isoformat()},
    )  # fmt: skip
    dispatch_on_commit(QUESTION_SEND_TASK, question.pk)
    return question


def question_send(*, question_id: int) -> bool:
    """E-mail the question to the uploader in their language, once. False when there is nothing to send."""
    with transaction.atomic():
        question = (
            UploaderQuestion.objects.select_for_update(of=("self",))
            .select_related("case__repository__owner", "case__account")
            .filter(pk=question_id, sent_at__isnull=True)
            .first()
        )
        if question is None:
            return False
        case = question.case
        uploader = case.uploader
        with translation.override(notice_language(uploader.language)):
            subject = _("A question about %(subject)s before we decide") % {"subject": case.subject}
            body = render_to_string(
                "moderation/email/question.txt",
                {"question": question, "case": case, "uploader": uploader, "url": question_url(question)},
            )
        question.sent_at = timezone.now()
        question.save(update_fields=["sent_at", "updated_at"])
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[uploader.email])
    return True


def questions_sweep() -> int:
    """Re-dispatch questions the broker lost; run by beat with the notices. Returns how many."""
    cutoff = timezone.now() - QUESTION_SWEEP_AFTER
    ids = list(
        UploaderQuestion.objects.filter(sent_at__isnull=True, created_at__lt=cutoff).values_list("pk", flat=True)[:1000]
    )
    for pk in ids:
        dispatch_now(QUESTION_SEND_TASK, pk)
    return len(ids)


def question_answer_refusal(question: UploaderQuestion) -> str | None:
    """Why this question can no longer be answered, in the uploader's words; None when it can."""
    if question.answered_at is not None:
        return _("You answered this question on %(date)s.") % {"date": f"{question.answered_at:%Y-%m-%d}"}
    if question.case.state == Case.State.RESOLVED:
        return _("The case was decided before an answer came; the decision's notice says how to appeal it.")
    if timezone.now() >= question.answer_due_at:
        return _("The time to answer ended on %(date)s UTC.") % {"date": f"{question.answer_due_at:%Y-%m-%d %H:%M}"}
    return None


@transaction.atomic
def question_answer(*, question_id: int, text: str) -> UploaderQuestion:
    """The uploader's answer: kept on the case, audited, and the case's clock runs again, with the
    time the uploader did not use given back."""
    question = UploaderQuestion.objects.select_for_update().select_related("case").get(pk=question_id)
    refusal = question_answer_refusal(question)
    if refusal is not None:
        raise Conflict(refusal)
    text = text.strip()
    if not text:
        raise ApplicationError(_("Write your answer."), field_errors={"answer": [_("Write your answer.")]})
    if len(text) > ANSWER_MAX_CHARS:
        too_long = _("At most %(max)s characters; this is %(length)s.") % {
            "max": f"{ANSWER_MAX_CHARS:,}",
            "length": f"{len(text):,}",
        }
        raise ApplicationError(_("The answer is too long."), field_errors={"answer": [too_long]})
    now = timezone.now()
    question.answer, question.answered_at = text, now
    question.save(update_fields=["answer", "answered_at", "updated_at"])
    case = locked_case(question.case_id)
    case.due_at -= question.answer_due_at - now
    case.save(update_fields=["due_at", "updated_at"])
    audit.record(
        actor=Actor.uploader(case.uploader.handle),
        verb="case.question_answered",
        target=case,
        data={"question": question.pk, "due_at": case.due_at.isoformat()},
    )
    return question
