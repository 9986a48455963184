from django.contrib import admin, messages

from hubmod.actors import Actor
from hubmod.errors import ApplicationError
from moderation.models import AutomationBreaker
from moderation.services.automation import automation_resume


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
