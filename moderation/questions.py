"""Questions to the uploader: the console's form a moderator asks with, and the uploader's answer
page, reached by the signed link in the question's e-mail (no account)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from hubmod.actors import Actor
from hubmod.errors import ApplicationError
from moderation.services.questions import (
    ANSWER_MAX_CHARS,
    QUESTION_MAX_CHARS,
    question_answer,
    question_answer_refusal,
    question_ask,
    question_for_token,
)


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your question to the uploader"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=QUESTION_MAX_CHARS,
        help_text=_("They get it by e-mail with a link to answer. Never name or hint at who reported."),
    )


@permission_required("moderation.view_case", raise_exception=False)
@require_POST
def question_ask_view(request, case_id: int):
    """Ask from the case page; refused by going back to it, with the reason, as the console's moves are."""
    form = QuestionForm(request.POST)
    if not form.is_valid():
        problems = " ".join(str(problem) for problems in form.errors.values() for problem in problems)
        messages.error(request, gettext("The question was not sent. %(problems)s") % {"problems": problems})
        return redirect("console-case", case_id=case_id)
    try:
        asked = question_ask(actor=Actor.staff(request.user), case_id=case_id, text=form.cleaned_data["text"])
    except ApplicationError as exc:
        messages.error(
            request, gettext("The question was not sent. %(problems)s") % {"problems": " ".join(exc.problems)}
        )
        return redirect("console-case", case_id=case_id)
    due = f"{asked.answer_due_at:%Y-%m-%d %H:%M}"
    messages.success(request, gettext("Sent to the uploader; the case waits until %(due)s UTC.") % {"due": due})
    return redirect("console-case", case_id=case_id)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=ANSWER_MAX_CHARS,
        help_text=_("The moderator deciding the case reads it before deciding."),
    )


def question(request, token: str):
    asked = question_for_token(token)
    if asked is None:
        raise Http404(_("This link is not valid: use the one in the e-mail we sent you."))
    refusal = question_answer_refusal(asked)
    form = AnswerForm(request.POST if request.method == "POST" and refusal is None else None)
    status = 200
    if request.method == "POST":
        if refusal is not None:
            status = 409
        elif form.is_valid():
            try:
                question_answer(question_id=asked.pk, text=form.cleaned_data["answer"])
            except ApplicationError as exc:
                form.add_error(None, " ".join(exc.problems))
                status = exc.status_code
            else:
                messages.success(request, _("Thank you: your answer is with the moderator."))
                return redirect("question", token=token)
        else:
            status = 400
    return render(
        request,
        "moderation/question.html",
        {"question": asked, "case": asked.case, "form": form, "refusal": refusal},
        status=status,
    )
