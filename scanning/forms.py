"""The form a moderator marks a scanner's finding as false with, from the case page."""

from django import forms
from django.utils.translation import gettext_lazy as _


class FalsePositiveForm(forms.Form):
    scanner = forms.CharField(max_length=64, widget=forms.HiddenInput)
    case_id = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Why the finding is wrong"),
        help_text=_("What you checked. The file is not reported again for this scanner version."),
    )
