from django.contrib import admin

from hubmod.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only for everyone, admins included."""

    list_display = ["id", "created_at", "actor_label", "verb", "target_type", "target_label"]
    list_filter = ["verb", "target_type", "actor_kind"]
    search_fields = ["target_label", "actor_label", "target_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
