"""Protected names in the console: what is reserved and why, and a hub admin's early release."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from hub.selectors import name_reservations
from hub.services import name_release
from hubmod.actors import Actor
from hubmod.errors import ApplicationError
from moderation.forms import form_problems


class NameReleaseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the name may go to someone else"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Kept in the audit log. Pipelines that pull this name will get whatever its new owner uploads."),
    )


class NameSearchForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)


@permission_required("hub.view_namereservation", raise_exception=False)
def names(request):
    search = NameSearchForm(request.GET)
    wanted = search.cleaned_data["name"] if search.is_valid() else ""
    return render(
        request,
        "moderation/names.html",
        {
            "search": search,
            "reservations": name_reservations(name=wanted),
            "release_form": NameReleaseForm(),
            "can_release": request.user.has_perm("hub.release_namereservation"),
        },
        status=200 if search.is_valid() else 400,
    )


@permission_required("hub.release_namereservation", raise_exception=False)
@require_POST
def name_release_view(request, reservation_id: int):
    form = NameReleaseForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(gettext("Not released. %(problems)s") % {"problems": form_problems(form)})
        released = name_release(
            actor=Actor.staff(request.user), reservation_id=reservation_id, reason=form.cleaned_data["reason"]
        )
    except ApplicationError as exc:
        messages.error(request, " ".join(exc.problems))
    else:
        messages.success(request, gettext("Released: %(name)s may be synced again.") % {"name": released.name})
    return redirect("console-names")
