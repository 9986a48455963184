"""Legal's console pages: the restricted queue, referrals, their packets, preservation holds.
Views translate input and output; services do the work."""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hubmod.actors import Actor
from hubmod.errors import ApplicationError, Forbidden
from moderation.forms import form_problems
from moderation.restriction import RESTRICTED_PERM, case_is_restricted
from moderation.selectors import case_get
from referrals.forms import HoldForm, HoldReleaseForm, ReferralForm
from referrals.selectors import hold_get, hold_list, legal_queue, referral_get, referral_list
from referrals.services import hold_place, hold_release, referral_create, referral_packet_export

legal_only = permission_required(RESTRICTED_PERM, raise_exception=True)


def _form_errors(form, exc: ApplicationError) -> None:
    if not exc.field_errors:
        form.add_error(None, exc.message)
    for field, errors in exc.field_errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, str(error))


@legal_only
def queue(request):
    closed = request.GET.get("closed") == "1"
    return render(
        request,
        "referrals/queue.html",
        {"cases": legal_queue(include_closed=closed)[:500], "closed": closed, "holds": hold_list(active=True)[:200]},
    )


@permission_required("referrals.view_referral", raise_exception=True)
def referrals(request):
    return render(request, "referrals/list.html", {"referrals": referral_list()[:500]})


@permission_required("referrals.view_referral", raise_exception=True)
def referral_page(request, referral_id: int):
    referral = referral_get(referral_id=referral_id)
    if referral is None:
        raise Http404("No such referral.")
    return render(
        request,
        "referrals/detail.html",
        {"referral": referral, "holds": hold_list(case_id=referral.case_id), "release_form": HoldReleaseForm()},
    )


@permission_required("referrals.add_referral", raise_exception=True)
def referral_new(request, case_id: int):
    case = case_get(case_id=case_id)
    if case is None:
        raise Http404("No such case.")
    form = ReferralForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = referral_create(actor=Actor.staff(request.user), case_id=case_id, **form.cleaned_data)
        except ApplicationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request, _("Referral %(id)s recorded; the case's evidence is on hold.") % {"id": referral.pk}
            )
            return redirect("console-referral", referral_id=referral.pk)
    return render(
        request,
        "referrals/new.html",
        {"case": case, "form": form, "restricted": case_is_restricted(case), "hold_form": HoldForm()},
        status=400 if request.method == "POST" else 200,
    )


@permission_required("referrals.export_referral_packet", raise_exception=True)
def referral_packet(request, referral_id: int):
    if referral_get(referral_id=referral_id) is None:
        raise Http404("No such referral.")
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    try:
        info = referral_packet_export(actor=Actor.staff(request.user), referral_id=referral_id, out=out)
    except Forbidden as exc:
        out.close()
        raise PermissionDenied(exc.message) from exc
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=info.filename, content_type="application/zip")


@permission_required("referrals.add_preservationhold", raise_exception=True)
@require_POST
def hold_new(request, case_id: int):
    form = HoldForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("No hold was placed. %(problems)s") % {"problems": form_problems(form)})
    else:
        try:
            hold_place(actor=Actor.staff(request.user), case_id=case_id, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Case %(id)s's evidence is on hold.") % {"id": case_id})
    return redirect("console-legal")


@permission_required("referrals.change_preservationhold", raise_exception=True)
@require_POST
def hold_release_view(request, hold_id: int):
    hold = hold_get(hold_id=hold_id)
    if hold is None:
        raise Http404("No such hold.")
    form = HoldReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Hold %(id)s stands. %(problems)s") % {"id": hold_id, "problems": form_problems(form)}
        )
    else:
        try:
            hold_release(actor=Actor.staff(request.user), hold_id=hold_id, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Hold %(id)s released.") % {"id": hold_id})
    return redirect("console-legal")
