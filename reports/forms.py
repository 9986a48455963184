"""HTML forms, built from the same category definitions as the API."""

from django import forms
from django.utils.text import Truncator

from licenses.models import License
from licenses.selectors import actionable_catalogue
from reports.categories import Category, DetailField


def _clause_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Actionable clauses grouped by license, for a <select> with one <optgroup> per license."""
    groups = []
    for license_ in actionable_catalogue():
        clauses = [(c.pk, f"{c.ref}: {Truncator(c.summary).chars(90)}") for c in license_.clauses.all()]
        if clauses:
            groups.append((f"{license_.name} ({license_.key})", clauses))
    return groups


def _form_field(spec: DetailField) -> forms.Field:
    common = {"required": spec.required, "label": spec.label, "help_text": spec.help}
    if spec.type == "boolean":
        # A legal statement is shown in full as the checkbox's label.
        return forms.BooleanField(
            required=spec.must_be_true or spec.required,
            label=spec.statement or spec.label,
            help_text=spec.help,
            error_messages={"required": "This statement is required: tick the box."},
        )
    if spec.type == "email":
        return forms.EmailField(max_length=254, **common)
    if spec.type == "choice":
        return forms.ChoiceField(choices=[("", "—"), *spec.choices], **common)
    if spec.type == "license":
        keys = License.objects.order_by("key").values_list("key", "name")
        return forms.ChoiceField(choices=[("", "—"), *((k, f"{k} — {n}") for k, n in keys)], **common)
    if spec.type == "license_clause":
        return forms.TypedChoiceField(choices=[("", "—"), *_clause_choices()], coerce=int, **common)
    widget = forms.Textarea(attrs={"rows": 4}) if spec.type == "text" else forms.TextInput
    return forms.CharField(max_length=spec.max_length, widget=widget, **common)


class ReportForm(forms.Form):
    subject_type = forms.ChoiceField(
        label="What are you reporting?",
        choices=[("repository", "A repository (model, dataset or demo)"), ("account", "An account")],
    )
    subject_id = forms.CharField(
        label="Which one?",
        max_length=200,
        help_text="For a repository: owner/name, e.g. acme/tiny-llama. For an account: its handle.",
    )
    revision = forms.RegexField(
        r"^[0-9a-f]{7,64}$",
        required=False,
        label="Revision (optional)",
        help_text="The commit you looked at, if you know it.",
        error_messages={"invalid": "Use the commit sha: 7 to 64 lowercase hex digits."},
    )
    reporter_name = forms.CharField(label="Your name", max_length=200, required=False)
    reporter_email = forms.EmailField(
        label="Your e-mail", required=False, help_text="We send your receipt and the outcome here."
    )

    def __init__(self, *args, category: Category, **kwargs):
        super().__init__(*args, **kwargs)
        self.category = category
        for spec in category.fields:
            self.fields[f"details__{spec.name}"] = _form_field(spec)
        if category.reporter_identity == "required":
            self.fields["reporter_name"].required = True
            self.fields["reporter_email"].required = True
        self.fields["subject_type"].choices = [
            c for c in self.fields["subject_type"].choices if c[0] in category.subject_types
        ]

    @property
    def detail_fields(self):
        return [self[f"details__{spec.name}"] for spec in self.category.fields]

    @property
    def subject_fields(self):
        return [self["subject_type"], self["subject_id"], self["revision"]]

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
            name = {"subject": "subject_id", "reporter": "reporter_email"}.get(key, key)
            for message in messages:
                self.add_error(name if name in self.fields else None, str(message))
