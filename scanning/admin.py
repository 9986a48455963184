"""Scanning in the admin: verdicts to look up, false positives to review, and what a verdict does
on its own (through the service, audited)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from hubmod.actors import Actor
from hubmod.errors import ApplicationError
from scanning.models import FalsePositive, FileScan, VerdictAutomation
from scanning.services import AUTOMATION_ACTIONS, verdict_automation_refusal, verdict_automation_set


@admin.register(FileScan)
class FileScanAdmin(admin.ModelAdmin):
    list_display = ["sha256", "verdict", "size", "scanned_at", "attempts"]
    list_filter = ["verdict"]
    search_fields = ["sha256"]
    readonly_fields = [f.name for f in FileScan._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FalsePositive)
class FalsePositiveAdmin(admin.ModelAdmin):
    list_display = ["sha256", "scanner", "version", "marked_by", "case_id", "created_at"]
    list_filter = ["scanner"]
    search_fields = ["sha256"]
    readonly_fields = ["sha256", "scanner", "version", "reason", "marked_by", "case_id", "created_at"]

    def has_add_permission(self, request):
        return False  # marked from the case page, where the finding is in front of the moderator


class VerdictAutomationForm(forms.ModelForm):
    actions = forms.MultipleChoiceField(
        choices=[(a, a) for a in AUTOMATION_ACTIONS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Decided at once as an automated decision, until a moderator decides otherwise. "
        "Automated decisions stop when the circuit breaker trips.",
    )

    class Meta:
        model = VerdictAutomation
        fields = ["verdict", "actions", "enabled"]

    def clean(self):
        data = super().clean()
        refusal = verdict_automation_refusal(
            verdict=data.get("verdict", ""), actions=list(data.get("actions", [])), enabled=bool(data.get("enabled"))
        )
        if refusal is not None:
            raise ValidationError(refusal)
        return data


@admin.register(VerdictAutomation)
class VerdictAutomationAdmin(admin.ModelAdmin):
    form = VerdictAutomationForm
    list_display = ["verdict", "actions", "enabled", "updated_at"]

    def save_model(self, request, obj, form, change):
        try:
            saved = verdict_automation_set(
                actor=Actor.staff(request.user),
                verdict=form.cleaned_data["verdict"],
                actions=list(form.cleaned_data["actions"]),
                enabled=form.cleaned_data["enabled"],
            )
        except ApplicationError as error:
            messages.error(request, str(error))
            return
        obj.pk = saved.pk
