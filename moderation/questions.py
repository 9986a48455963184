"""The uploader's answer page: the moderator's question, reached by the signed link in its e-mail;
no account. The console's side (asking) is in moderation/console.py."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from hubmod.errors import ApplicationError
from moderation.services.questions import (
    ANSWER_MAX_CHARS,
    question_answer,
    question_answer_refusal,
    question_for_token,
)


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
