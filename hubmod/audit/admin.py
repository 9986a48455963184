from django.contrib import admin

from hubmod.admin import ReadOnlyAdmin
from hubmod.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the audit log is append-only for everyone, admins included."""

    list_display = ["id", "created_at", "actor_label", "verb", "target_type", "target_label"]
    list_filter = ["verb", "target_type", "actor_kind"]
    search_fields = ["target_label", "actor_label", "target_id"]
