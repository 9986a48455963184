from django import forms
from django.utils import timezone

from referrals.models import Referral


class ReferralForm(forms.Form):
    authority = forms.ChoiceField(choices=Referral.Authority.choices)
    authority_name = forms.CharField(
        max_length=200, required=False, help_text="Required for national police or another authority: who, where."
    )
    referred_at = forms.DateField(
        initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}), label="Referred on"
    )
    reference = forms.CharField(max_length=200, help_text="The authority's report or ticket number.")
    notes = forms.CharField(widget=forms.Textarea, max_length=20_000, required=False)


class HoldForm(forms.Form):
    reason = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class HoldReleaseForm(forms.Form):
    reason = forms.CharField(max_length=5000, label="Why the evidence need not be kept")
