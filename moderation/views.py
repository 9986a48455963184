"""The uploader's notice page: the statement of reasons, and the appeal form."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from hubmod.actors import Actor
from hubmod.errors import ApplicationError
from moderation.models import Appeal
from moderation.selectors import decision_for_notice_token
from moderation.services.appeals import appeal_submit


class AppealForm(forms.Form):
    statement = forms.CharField(
        label="Why the decision is wrong",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20_000,
        help_text="Say what the decision got wrong and anything we did not know. A reviewer who took no part "
        "in the decision reads it.",
    )


def notice(request, token: str):
    decision = decision_for_notice_token(token)
    if decision is None:
        raise Http404("This notice link is not valid.")
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal_submit(
                actor=Actor.uploader(decision.case.uploader.handle),
                decision_id=decision.pk,
                appellant=Appeal.Appellant.UPLOADER,
                statement=form.cleaned_data["statement"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Your appeal was received. We will tell you the outcome.")
            return redirect("notice", token=token)
    appeals = decision.appeals.filter(appellant=Appeal.Appellant.UPLOADER).order_by("-id")
    return render(
        request,
        "moderation/notice.html",
        {
            "decision": decision,
            "case": decision.case,
            "form": form,
            "appeals": appeals,
            "actions": [a for a in decision.actions.all() if not a.is_reversal],
        },
        status=400 if request.method == "POST" else 200,
    )
