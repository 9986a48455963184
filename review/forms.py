"""Console forms for reviewers; they translate input, the services decide."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from review.models import Review
from review.selectors import checklist_items


class ReviewFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", _("any kind")), *Review.Kind.choices], required=False, label=_("Kind"))
    overdue = forms.BooleanField(required=False, label=_("Overdue only"))


class ReviewDecideForm(forms.Form):
    outcome = forms.ChoiceField(choices=Review.Outcome.choices, widget=forms.RadioSelect, label=_("Outcome"))
    reasons = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20_000,
        label=_("Reasons"),
        help_text=_("The uploader reads these: say what is wrong and what would fix it."),
    )
    requested_items = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Checklist items to add"),
        help_text=_("Ticked items are listed for the uploader with what each asks for."),
    )

    def __init__(self, *args, review: Review, **kwargs):
        super().__init__(*args, **kwargs)
        requested_items = cast(forms.MultipleChoiceField, self.fields["requested_items"])
        requested_items.choices = [(item.key, item.label) for item in checklist_items()]
        requested_items.initial = list(review.missing_items)
        if review.kind != Review.Kind.DOCUMENTATION:
            cast(forms.ChoiceField, self.fields["outcome"]).choices = [
                choice for choice in Review.Outcome.choices if choice[0] != Review.Outcome.LABELLED
            ]
