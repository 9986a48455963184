from django.contrib import admin

from policy.models import (
    MessageTemplate,
    NoticeTemplate,
    PolicySection,
    PolicyVersion,
    SlaRule,
    StatementTemplate,
    StrikeRule,
)


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


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "action", "category", "language", "updated_at"]
    list_filter = ["kind", "language", "action"]
    search_fields = ["name", "text"]
