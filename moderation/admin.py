from django.contrib import admin
from rest_framework_api_key.admin import APIKeyModelAdmin

from moderation.models import PolicySection, PolicyVersion, SlaRule, StaffToken, StatementTemplate, StrikeRule


class PolicySectionInline(admin.StackedInline):
    model = PolicySection
    extra = 0


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "effective_at"]
    inlines = [PolicySectionInline]


@admin.register(StaffToken)
class StaffTokenAdmin(APIKeyModelAdmin):
    list_display = [*APIKeyModelAdmin.list_display, "user"]


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
