from django.contrib import admin
from rest_framework_api_key.admin import APIKeyModelAdmin

from moderation.models import PolicySection, PolicyVersion, SlaRule, StaffToken


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
    list_display = ["category", "priority", "hours_to_decision", "updated_at"]
    list_editable = ["priority", "hours_to_decision"]
