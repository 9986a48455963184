"""Scanning's console page: a moderator marks a scanner's finding as false, from the case."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hubmod.actors import Actor
from hubmod.errors import ApplicationError
from scanning.forms import FalsePositiveForm
from scanning.services import false_positive_mark


@permission_required("moderation.view_case", raise_exception=False)
@require_POST
def false_positive_view(request, sha256: str):
    form = FalsePositiveForm(request.POST)
    if not form.is_valid():
        return _refused(request, form, status=400)
    data = form.cleaned_data
    try:
        scan = false_positive_mark(
            actor=Actor.staff(request.user),
            sha256=sha256,
            scanner=data["scanner"],
            reason=data["reason"],
            case_id=data["case_id"],
        )
    except ApplicationError as error:
        form.add_error(None, error.message)
        return _refused(request, form, status=error.status_code)
    messages.success(
        request,
        _(
            "Marked %(scanner)s wrong about this file; its verdict is now %(verdict)s. "
            "Dismiss the case if nothing else in it holds."
        )
        % {"scanner": data["scanner"], "verdict": scan.verdict},
    )
    return redirect("console-case", case_id=data["case_id"])


def _refused(request, form: FalsePositiveForm, *, status: int):
    case_id = form.cleaned_data.get("case_id") if hasattr(form, "cleaned_data") else None
    return render(request, "scanning/false_positive.html", {"form": form, "case_id": case_id}, status=status)
