"""The console's forms. They translate input; the services decide what is allowed."""

from __future__ import annotations

import re
from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from hubmod.categories import ReportCategory
from hubmod.staff.selectors import staff_members
from licenses.selectors import actionable_catalogue, actionable_catalogue_stamp
from moderation.models import Case, Decision, EnforcementAction
from moderation.selectors import CURSOR_PATTERN, SCANNED_VERDICTS
from moderation.services.cases import MAX_MUTE_DAYS
from moderation.services.decisions import Ground
from policy.selectors import policy_current


def ground_choices(preferred_license: str = "") -> list:
    """Policy sections and actionable license clauses, grouped, the repository's license first."""
    groups = []
    policy = policy_current()
    if policy:
        sections = [(f"policy:{s.key}", f"{s.title} ({s.key})") for s in policy.sections.order_by("key")]
        groups.append((gettext("Hub policy %(version)s") % {"version": policy.version}, sections))
    licenses = sorted(_license_grounds(actionable_catalogue_stamp()), key=lambda g: (g[0] != preferred_license, g[0]))
    groups.extend((label, list(clauses)) for _, label, clauses in licenses if clauses)
    return [("", gettext("Choose the ground…")), *groups]


_Clauses = tuple[tuple[str, str], ...]


@lru_cache(maxsize=4)
def _license_grounds(stamp: tuple) -> tuple[tuple[str, str, _Clauses], ...]:
    """(key, label, clauses) of each actionable license, built once per state of the catalogue
    (`stamp`): ~250 clauses as model instances cost the case page 12-16 ms (bench case_page)."""
    return tuple(
        (
            license_.key,
            f"{license_.name} ({license_.key})",
            tuple((f"clause:{c.pk}", f"{c.ref}: {Truncator(c.summary).chars(80)}") for c in license_.clauses.all()),
        )
        for license_ in actionable_catalogue()
    )


class RenderedOnceSelect(forms.Select):
    """A select of many options rendered through Django's widget templates once for each name,
    value, attributes, choices and language, then kept: the ~250 grounds cost the case page ~10 ms a
    render (bench case_page). The key holds everything the HTML depends on, so it is never stale."""

    _kept: OrderedDict[tuple, str] = OrderedDict()
    KEPT = 64

    def render(self, name, value, attrs=None, renderer=None):
        key = (name, repr(value), repr(sorted({**self.attrs, **(attrs or {})}.items())), repr(self.choices),
               get_language(), self.is_required)  # fmt: skip
        html = self._kept.get(key)
        if html is None:
            html = super().render(name, value, attrs, renderer)
            self._kept[key] = html
            while len(self._kept) > self.KEPT:
                self._kept.popitem(last=False)
        return html


def ground_from_choice(value: str) -> Ground:
    kind, _, key = value.partition(":")
    return Ground(policy_section=key) if kind == "policy" else Ground(license_clause=int(key))


class DecideForm(forms.Form):
    actions = forms.MultipleChoiceField(
        choices=EnforcementAction.Kind.choices, widget=forms.CheckboxSelectMultiple, label=_("Actions")
    )
    ground = forms.ChoiceField(
        widget=RenderedOnceSelect,
        label=_("Ground"),
        help_text=_("The policy section or license clause the decision rests on."),
    )
    intent = forms.ChoiceField(
        choices=Decision.Intent.choices, widget=forms.RadioSelect, initial="unknown", label=_("Intent")
    )
    statement = forms.CharField(
        label=_("Statement of reasons"),
        widget=forms.Textarea(attrs={"rows": 7}),
        max_length=20_000,
        help_text=_("The facts and your reasons. The uploader reads this."),
    )
    compromised_since = forms.DateTimeField(
        label=_("Compromised since (UTC)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_(
            "Only for a compromised account: since when someone else had it. A rollback goes back to the last "
            "revision published before then."
        ),
    )
    departure_reason = forms.CharField(
        label=_("Why you depart from the recommendation"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        required=False,
        help_text=_("Needed only when the actions differ from the ladder's recommendation."),
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        preferred = case.repository.license_key if case.repository is not None else ""
        cast(forms.ChoiceField, self.fields["ground"]).choices = ground_choices(preferred)


class DismissForm(forms.Form):
    reason = forms.ChoiceField(choices=Decision.DismissalReason.choices, label=_("Reason"))
    statement = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=20_000, label=_("Why not"))
    clean_for_days = forms.IntegerField(
        min_value=1,
        max_value=365,
        required=False,
        label=_("Reviewed and clean for (days)"),
        help_text=_(
            "Optional: new reports in this category join this case without re-entering the queue, "
            "unless a trusted flagger or new evidence comes."
        ),
    )


class MuteForm(forms.Form):
    days = forms.IntegerField(
        min_value=0,
        max_value=MAX_MUTE_DAYS,
        label=_("Mute for (days)"),
        help_text=_("From now; 0 ends the mute. Trusted flaggers and new evidence still reach the queue."),
    )


class EscalateForm(forms.Form):
    to = forms.ChoiceField(choices=Case.EscalatedTo.choices, label=_("Escalate to"))
    reason = forms.CharField(max_length=5000, label=_("Reason"))


class UsernameChoiceField(forms.ModelChoiceField):
    """A staff member by username. A value no username can be (NUL, over 150 characters) is refused
    before it reaches the database: PostgreSQL refuses a NUL in a query with an error, not no row."""

    def to_python(self, value):
        if isinstance(value, str) and ("\x00" in value or len(value) > 150):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ReassignForm(forms.Form):
    assignee = UsernameChoiceField(
        queryset=staff_members(),
        to_field_name="username",
        label=_("Hand to"),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(max_length=5000, label=_("Why not"), widget=forms.Textarea(attrs={"rows": 2}))


def form_problems(form: forms.Form) -> str:
    """A refused form's errors in one line, for a message: "Reason: This field is required." """
    problems = []
    for name, errors in form.errors.items():
        label = form[name].label if name in form.fields else ""
        problems += [f"{label}: {error}" if label else str(error) for error in errors]
    return " ".join(problems)


# Ids the database can hold: a cursor or a selection naming more is a forged or broken link.
MAX_ID = 2**63 - 1


ASSIGNEE_ANYONE = [("", _("Anyone")), ("me", _("Me")), ("none", _("Nobody"))]

# A scan verdict's words in the queue's filter; the verdicts themselves are the hub's keys.
SCAN_VERDICT_LABELS = {
    "clean": _("Clean"),
    "skipped": _("Skipped"),
    "pending": _("Pending"),
    "error": _("Error"),
    "suspicious": _("Suspicious"),
    "dangerous": _("Dangerous"),
}


def _assignee_choices() -> list[tuple[str, str | Promise]]:
    """Anyone, me, nobody, or one of the staff by name; read when the choices are (a callable's
    choices are lazy: a queue filtered on no assignee never reads the staff)."""
    return [*ASSIGNEE_ANYONE, *((name, name) for name in staff_members().values_list("username", flat=True))]


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(choices=[("", _("All open")), *Case.State.choices], required=False, label=_("State"))
    category = forms.ChoiceField(choices=[("", _("Any")), *ReportCategory.choices], required=False, label=_("Category"))
    assignee = forms.ChoiceField(choices=_assignee_choices, required=False, label=_("Assignee"))
    overdue = forms.BooleanField(required=False, label=_("Overdue"))
    surge = forms.BooleanField(required=False, label=_("Surge"))
    scan_verdict = forms.ChoiceField(
        choices=[("", _("Any")), *((v, SCAN_VERDICT_LABELS.get(v, v.capitalize())) for v in SCANNED_VERDICTS)],
        required=False,
        label=_("A file scanned"),
    )
    cursor = forms.RegexField(
        re.compile(CURSOR_PATTERN, re.ASCII),
        required=False,
        widget=forms.HiddenInput,
        label=_("Page"),
        error_messages={"invalid": _("This page link is broken: start again from the first page of the queue.")},
    )

    def clean_cursor(self) -> str:
        cursor = self.cleaned_data["cursor"]
        if cursor:
            _, due, pk = (int(part) for part in cursor.split("_"))
            try:
                datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=due)
            except OverflowError:
                raise ValidationError(self.fields["cursor"].error_messages["invalid"], code="invalid") from None
            if pk > MAX_ID:
                raise ValidationError(self.fields["cursor"].error_messages["invalid"], code="invalid")
        return cursor


BULK_MAX_CASES = 200  # as the API's bulk action


class CaseIdsField(forms.Field):
    """The ids of the cases ticked in the queue: whole numbers, at least one, at most BULK_MAX_CASES."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Select at least one case."),
        "invalid": _("A case id is a whole number; %(value)s is not one."),
        "too_many": _("Select at most %(max)s cases at a time."),
    }

    def to_python(self, value) -> list[int]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        ids = []
        for raw in values:
            text = str(raw)
            # isdigit() alone takes "²", which int() refuses; and a 5,000-digit number is no id.
            if not (text.isascii() and text.isdigit() and len(text) <= 19 and 0 < int(text) <= MAX_ID):
                raise ValidationError(
                    self.error_messages["invalid"], code="invalid", params={"value": repr(Truncator(text).chars(24))}
                )
            ids.append(int(text))
        return list(dict.fromkeys(ids))

    def validate(self, value) -> None:
        super().validate(value)
        if len(value) > BULK_MAX_CASES:
            raise ValidationError(self.error_messages["too_many"], code="too_many", params={"max": BULK_MAX_CASES})


class BulkForm(forms.Form):
    ids = CaseIdsField(label=_("Cases"))
    action = forms.ChoiceField(
        # No action is chosen for the moderator: a bulk dismissal sends every reporter a decision.
        choices=[
            ("", _("Choose an action…")),
            ("dismiss", _("Dismiss as duplicates")),
            ("escalate", _("Escalate to senior moderators")),
            ("assign", _("Assign to me")),
        ],
        label=_("Action"),
    )
    reason = forms.CharField(required=False, max_length=5000, label=_("Reason"))
    statement = forms.CharField(
        required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 2}), label=_("Statement")
    )

    def clean(self):
        data = super().clean()
        reasons = Decision.DismissalReason.values
        if data.get("action") == "dismiss" and data.get("reason") and data["reason"] not in reasons:
            # A dismissal's reason is one of a fixed list (reporters see it, transparency counts it).
            self.add_error(
                "reason",
                gettext("To dismiss, leave it empty (duplicate) or use one of: %(reasons)s.")
                % {"reasons": ", ".join(reasons)},
            )
        return data


class AppealDecideForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            ("upheld", _("Uphold the decision")),
            ("overturned", _("Overturn it")),
            ("modified", _("Modify the actions")),
        ],
        widget=forms.RadioSelect,
        label=_("Outcome"),
    )
    statement = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20_000,
        help_text=_("The appellant reads this."),
    )
    actions = forms.MultipleChoiceField(
        choices=EnforcementAction.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("New actions (when modifying)"),
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


class SaveViewForm(forms.Form):
    """Name the queue's current filters (sent along, as the queue page set them) to keep them."""

    name = forms.CharField(max_length=60, label=_("Save these filters as"))
    query = forms.CharField(max_length=1000, widget=forms.HiddenInput, required=False)
