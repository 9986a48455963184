"""The console's forms. They translate input; the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from licenses.selectors import actionable_catalogue
from moderation.models import Case, Decision, EnforcementAction
from moderation.selectors import CURSOR_PATTERN, policy_current
from moderation.services.decisions import Ground


def ground_choices(preferred_license: str = "") -> list:
    """Policy sections and actionable license clauses, grouped, the repository's license first."""
    groups = []
    policy = policy_current()
    if policy:
        sections = [(f"policy:{s.key}", f"{s.title} ({s.key})") for s in policy.sections.order_by("key")]
        groups.append((f"Hub policy {policy.version}", sections))
    licenses = sorted(actionable_catalogue(), key=lambda lic: (lic.key != preferred_license, lic.key))
    for license_ in licenses:
        clauses = [(f"clause:{c.pk}", f"{c.ref}: {Truncator(c.summary).chars(80)}") for c in license_.clauses.all()]
        if clauses:
            groups.append((f"{license_.name} ({license_.key})", clauses))
    return [("", "Choose the ground…"), *groups]


def ground_from_choice(value: str) -> Ground:
    kind, _, key = value.partition(":")
    return Ground(policy_section=key) if kind == "policy" else Ground(license_clause=int(key))


class DecideForm(forms.Form):
    actions = forms.MultipleChoiceField(
        choices=EnforcementAction.Kind.choices, widget=forms.CheckboxSelectMultiple, label="Actions"
    )
    ground = forms.ChoiceField(label="Ground", help_text="The policy section or license clause the decision rests on.")
    intent = forms.ChoiceField(choices=Decision.Intent.choices, widget=forms.RadioSelect, initial="unknown")
    statement = forms.CharField(
        label="Statement of reasons",
        widget=forms.Textarea(attrs={"rows": 7}),
        max_length=20_000,
        help_text="The facts and your reasons. The uploader reads this.",
    )
    departure_reason = forms.CharField(
        label="Why you depart from the recommendation",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        required=False,
        help_text="Needed only when the actions differ from the ladder's recommendation.",
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        preferred = case.repository.license_key if case.repository_id else ""
        self.fields["ground"].choices = ground_choices(preferred)


class DismissForm(forms.Form):
    reason = forms.ChoiceField(choices=Decision.DismissalReason.choices)
    statement = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=20_000, label="Why not")
    clean_for_days = forms.IntegerField(
        min_value=1,
        max_value=365,
        required=False,
        label="Reviewed and clean for (days)",
        help_text="Optional: new reports in this category join this case without re-entering the queue, "
        "unless a trusted flagger or new evidence comes.",
    )


class EscalateForm(forms.Form):
    to = forms.ChoiceField(choices=Case.EscalatedTo.choices, label="Escalate to")
    reason = forms.CharField(max_length=5000, label="Reason")


class ReassignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True, groups__isnull=False).distinct().order_by("username"),
        to_field_name="username",
        label="Hand to",
    )


class RejectForm(forms.Form):
    reason = forms.CharField(max_length=5000, label="Why not", widget=forms.Textarea(attrs={"rows": 2}))


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(choices=[("", "All open"), *Case.State.choices], required=False)
    category = forms.CharField(required=False, max_length=32)
    assignee = forms.CharField(required=False, max_length=150, help_text='"me", "none" or a username')
    overdue = forms.BooleanField(required=False)
    surge = forms.BooleanField(required=False)
    cursor = forms.RegexField(CURSOR_PATTERN, required=False, widget=forms.HiddenInput)


class BulkForm(forms.Form):
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=(), label="Cases")
    action = forms.ChoiceField(
        choices=[
            ("dismiss", "Dismiss as duplicates"),
            ("escalate", "Escalate to senior moderators"),
            ("assign", "Assign to me"),
        ]
    )
    reason = forms.CharField(required=False, max_length=5000)
    statement = forms.CharField(required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, case_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = [(pk, pk) for pk in case_ids]


class AppealDecideForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[("upheld", "Uphold the decision"), ("overturned", "Overturn it"), ("modified", "Modify the actions")],
        widget=forms.RadioSelect,
    )
    statement = forms.CharField(
        label="Reasons",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20_000,
        help_text="The appellant reads this.",
    )
    actions = forms.MultipleChoiceField(
        choices=EnforcementAction.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="New actions (when modifying)",
    )


class CounterNoticeForm(forms.Form):
    """The elements of a DMCA counter-notice (17 U.S.C. 512(g)(3)), each stated in full."""

    name = forms.CharField(max_length=200, label=_("Your full name"))
    address = forms.CharField(max_length=1000, label=_("Your address"), widget=forms.Textarea(attrs={"rows": 2}))
    phone = forms.CharField(max_length=50, label=_("Your telephone number"))
    removed_material = forms.CharField(
        max_length=5000,
        label=_("What was removed, and where it was"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    statement = forms.CharField(
        max_length=20_000, label=_("Why the removal was a mistake"), widget=forms.Textarea(attrs={"rows": 4})
    )
    statement_of_mistake = forms.BooleanField(
        label=_(
            "I swear, under penalty of perjury, that I have a good faith belief that the material was removed or "
            "disabled as a result of mistake or misidentification of the material to be removed or disabled."
        )
    )
    consent_to_jurisdiction = forms.BooleanField(
        label=_(
            "I consent to the jurisdiction of the Federal District Court for the judicial district in which my "
            "address is located (or, if my address is outside the United States, any judicial district in which "
            "the hub may be found), and I will accept service of process from the person who sent the notice or "
            "their agent."
        )
    )
    signature = forms.CharField(max_length=200, label=_("Signature (type your full legal name)"))
