"""HTML forms, built from the same category definitions as the API."""

from typing import Any, cast

from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from licenses.selectors import actionable_catalogue, license_choices
from policy.selectors import policy_current
from reports.categories import Category, DetailField
from reports.lines import LINES_PATTERN, parse_lines
from reports.models import Report
from reports.serializers import SHA256


def _clause_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Actionable clauses grouped by license, for a <select> with one <optgroup> per license."""
    groups = []
    for license_ in actionable_catalogue():
        clauses = [(c.pk, f"{c.ref}: {Truncator(c.summary).chars(90)}") for c in license_.clauses.all()]
        if clauses:
            groups.append((f"{license_.name} ({license_.key})", clauses))
    return groups


def _form_field(spec: DetailField) -> forms.Field:
    common: dict[str, Any] = {"required": spec.required, "label": spec.label, "help_text": spec.help}
    if spec.type == "boolean":
        # A legal statement is shown in full as the checkbox's label.
        return forms.BooleanField(
            required=spec.must_be_true or spec.required,
            label=spec.statement or spec.label,
            help_text=spec.help,
            error_messages={"required": _("This statement is required: tick the box.")},
        )
    if spec.type == "email":
        return forms.EmailField(max_length=254, **common)
    if spec.type == "choice":
        return forms.ChoiceField(choices=[("", "—"), *spec.choices], **common)
    if spec.type == "url":
        return forms.URLField(max_length=spec.max_length, assume_scheme="https", **common)
    if spec.type == "country":
        return forms.ChoiceField(choices=[("", "—"), *countries], **common)
    if spec.type == "sha256":
        return forms.RegexField(SHA256, error_messages={"invalid": _("Use 64 hexadecimal digits.")}, **common)
    if spec.type == "policy_section":
        policy = policy_current()
        sections = policy.sections.order_by("key").values_list("key", "title") if policy else []
        return forms.ChoiceField(choices=[("", "—"), *((k, f"{t} ({k})") for k, t in sections)], **common)
    if spec.type == "license":
        keys = license_choices()
        return forms.ChoiceField(choices=[("", "—"), *((k, f"{k} — {n}") for k, n in keys)], **common)
    if spec.type == "license_clause":
        return forms.TypedChoiceField(choices=[("", "—"), *_clause_choices()], coerce=int, **common)
    widget = forms.Textarea(attrs={"rows": 4}) if spec.type == "text" else forms.TextInput
    return forms.CharField(max_length=spec.max_length, widget=widget, **common)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files; their checks (type, size, count) are intake's, in reports.evidence."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


_SUBJECT_TYPES = [("repository", _("A repository (model, dataset or demo)")), ("account", _("An account"))]


class ReportForm(forms.Form):
    subject_type = forms.ChoiceField(label=_("What are you reporting?"), choices=_SUBJECT_TYPES)
    subject_id = forms.CharField(
        label=_("Which one?"),
        max_length=200,
        help_text=_("For a repository: owner/name, e.g. acme/tiny-llama. For an account: its handle."),
    )
    revision = forms.RegexField(
        r"^[0-9a-f]{7,64}$",
        required=False,
        label=_("Revision"),
        help_text=_("The commit you looked at, if you know it."),
        error_messages={"invalid": _("Use the commit sha: 7 to 64 lowercase hex digits.")},
    )
    path = forms.CharField(
        label=_("File"),
        max_length=1024,
        required=False,
        help_text=_("The path of the file in the repository, e.g. data/train.jsonl."),
    )
    lines = forms.RegexField(
        LINES_PATTERN,
        label=_("Lines"),
        required=False,
        help_text=_("A line or range in that file, e.g. 10-40."),
        error_messages={"invalid": _("Use a line number or a range such as 10-40.")},
    )
    evidence = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_("Screenshots (PNG, JPEG, GIF, WebP), PDF or text files; up to 5 files of 10 MB each."),
    )
    outcome_sought = forms.ChoiceField(
        label=_("What outcome are you asking for?"),
        choices=[("", _("I leave it to the moderators")), *Report.Outcome.choices],
        required=False,
        help_text=_("The moderators decide by the hub's policy and the law, but they see what you ask for."),
    )
    reporter_name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    reporter_email = forms.EmailField(
        label=_("Your e-mail"),
        max_length=254,  # what the reporter's row holds
        required=False,
        help_text=_("We send your receipt and the outcome here."),
    )

    def __init__(self, *args, category: Category, **kwargs):
        super().__init__(*args, **kwargs)
        self.category = category
        for spec in category.fields:
            self.fields[f"details__{spec.name}"] = _form_field(spec)
        if category.reporter_identity == "required":
            for name, message in (
                ("reporter_name", _("The law requires your name in this notice.")),
                ("reporter_email", _("The law requires your e-mail in this notice.")),
            ):
                self.fields[name].required = True
                self.fields[name].error_messages["required"] = message
        subject_type = cast(forms.ChoiceField, self.fields["subject_type"])
        subject_type.choices = [c for c in _SUBJECT_TYPES if c[0] in category.subject_types]
        if not category.accepts_evidence:
            del self.fields["evidence"]

    def clean_lines(self):
        lines = parse_lines(self.cleaned_data["lines"])
        if lines and lines[1] < lines[0]:
            raise forms.ValidationError(_("The range ends before it starts."))
        return lines

    @property
    def detail_fields(self):
        return [*(self[f"details__{spec.name}"] for spec in self.category.fields), self["outcome_sought"]]

    @property
    def subject_fields(self):
        return [self[name] for name in ("subject_type", "subject_id", "revision", "path", "lines")]

    @property
    def evidence_field(self):
        return self["evidence"] if "evidence" in self.fields else None

    @property
    def reporter_fields(self):
        return [self["reporter_name"], self["reporter_email"]]

    def details(self) -> dict:
        return {spec.name: self.cleaned_data[f"details__{spec.name}"] for spec in self.category.fields}

    def add_service_errors(self, field_errors: dict) -> None:
        """Show errors the intake service found next to the fields they belong to."""
        for key, messages in field_errors.items():
            if key == "details" and isinstance(messages, dict):
                self.add_service_errors({f"details__{name}": sub for name, sub in messages.items()})
                continue
            name = {"subject": "subject_id", "reporter": "reporter_email", "file": "evidence"}.get(key, key)
            for message in messages:
                self.add_error(name if name in self.fields else None, str(message))
