from django.contrib import admin, messages

from hubmod.actors import Actor
from hubmod.errors import ApplicationError
from moderation.models import (
    AutomationBreaker,
    NoticeTemplate,
    PolicySection,
    PolicyVersion,
    SlaRule,
    StatementTemplate,
    StrikeRule,
)
from moderation.services.automation import automation_resume


class PolicySectionInline(admin.StackedInline):
    model = PolicySection
    extra = 0


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "effective_at"]
    inlines = [PolicySectionInline]


@admin.register(SlaRule)
class SlaRuleAdmin(admin.ModelAdmin):
    list_display = ["category", "priority", "hours_to_decision", "escalate_after_hours", "severity", "four_eyes"]
    list_editable = ["priority", "hours_to_decision", "escalate_after_hours", "severity", "four_eyes"]


@admin.register(StrikeRule)
class StrikeRuleAdmin(admin.ModelAdmin):
    list_display = ["severity", "intent", "min_active_strikes", "actions", "strike_days"]
    list_filter = ["severity", "intent"]


@admin.register(StatementTemplate)
class StatementTemplateAdmin(admin.ModelAdmin):
    list_display = ["category", "updated_at"]


@admin.register(NoticeTemplate)
class NoticeTemplateAdmin(admin.ModelAdmin):
    list_display = ["kind", "subject", "updated_at"]


@admin.register(AutomationBreaker)
class AutomationBreakerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "reason", "resumed_by", "resumed_at"]
    readonly_fields = ["tripped_at", "reason", "resumed_by", "resumed_at"]
    actions = ["resume"]

    @admin.action(description="Resume automated decisions", permissions=["resume"])
    def resume(self, request, queryset):
        try:
            automation_resume(actor=Actor.staff(request.user))
        except ApplicationError as exc:
            messages.warning(request, exc.message)
        else:
            messages.success(request, "Automated decisions resumed.")

    def has_resume_permission(self, request):
        return request.user.has_perm("moderation.resume_automation")

    def has_add_permission(self, request):
        return False
