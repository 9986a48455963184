from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from referrals.models import Referral


class ReferralForm(forms.Form):
    authority = forms.ChoiceField(choices=Referral.Authority.choices, label=_("Authority"))
    authority_name = forms.CharField(
        max_length=200,
        required=False,
        label=_("Authority name"),
        help_text=_("Required for national police or another authority: who, where."),
    )
    referred_at = forms.DateField(
        initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}), label=_("Referred on")
    )
    reference = forms.CharField(
        max_length=200, label=_("Reference"), help_text=_("The authority's report or ticket number.")
    )
    notes = forms.CharField(widget=forms.Textarea, max_length=20_000, required=False, label=_("Notes"))


class HoldForm(forms.Form):
    reason = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), label=_("Reason"))


class HoldReleaseForm(forms.Form):
    reason = forms.CharField(max_length=5000, label=_("Why the evidence need not be kept"))
