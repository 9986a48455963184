"""The uploader's notice page: the statement of reasons, the appeal form and, after a copyright
takedown, the DMCA counter-notice form. Reached by the signed link in the notice; no account."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from hubmod.actors import Actor
from hubmod.errors import ApplicationError
from moderation.forms import CounterNoticeForm
from moderation.models import Appeal
from moderation.selectors import automated_findings, decision_for_notice_token, uploader_appeals
from moderation.services.appeals import appeal_refusal, appeal_submit


class AppealForm(forms.Form):
    statement = forms.CharField(
        label=_("Why the decision is wrong"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20_000,
        help_text=_(
            "Say what the decision got wrong and anything we did not know. A reviewer who took no part "
            "in the decision reads it."
        ),
    )


def notice(request, token: str):
    decision = decision_for_notice_token(token)
    if decision is None:
        raise Http404("This notice link is not valid.")
    counter = request.POST.get("kind") == "counter_notice"
    copyright_takedown = decision.case.category == "copyright"
    form = AppealForm(request.POST if request.method == "POST" and not counter else None)
    counter_form = CounterNoticeForm(request.POST if request.method == "POST" and counter else None)
    submitted = counter_form if counter else form
    # A refusal the page would not show next to its form, said above where the forms are.
    refused = None
    if request.method == "POST":
        kind = Appeal.Kind.COUNTER_NOTICE if counter else Appeal.Kind.APPEAL
        refusal = appeal_refusal(decision=decision, appellant=Appeal.Appellant.UPLOADER, kind=kind)
        if refusal is not None:
            refused = forms.Form(data={})  # nothing to validate: the service has said no
            refused.add_error(None, " ".join(refusal.problems))
        elif submitted.is_valid():
            data = dict(submitted.cleaned_data)
            try:
                appeal_submit(
                    actor=Actor.uploader(decision.case.uploader.handle),
                    decision_id=decision.pk,
                    appellant=Appeal.Appellant.UPLOADER,
                    statement=data.pop("statement"),
                    kind=kind,
                    counter_notice=data if counter else None,
                )
            except ApplicationError as exc:
                submitted.add_error(None, " ".join(exc.problems))
            else:
                messages.success(request, _("Received. We will tell you the outcome."))
                return redirect("notice", token=token)
    appeals = uploader_appeals(decision)
    # The service's own rule decides whether the forms are offered, and says why when they are not.
    why_not = appeal_refusal(decision=decision, appellant=Appeal.Appellant.UPLOADER)
    return render(
        request,
        "moderation/notice.html",
        {
            "decision": decision,
            "case": decision.case,
            "form": form,
            "counter_form": counter_form if copyright_takedown else None,
            "appeals": appeals,
            "can_appeal": why_not is None,
            "why_not": " ".join(why_not.problems) if why_not else "",
            "refused": refused,
            "actions": [a for a in decision.actions.all() if not a.is_reversal],
            "automated_findings": automated_findings(decision.case) if decision.automated_detection else [],
        },
        status=400 if request.method == "POST" else 200,
    )
