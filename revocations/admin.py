from django.contrib import admin

from hubmod.admin import ReadOnlyAdmin
from revocations.models import RevocationEntry


@admin.register(RevocationEntry)
class RevocationEntryAdmin(ReadOnlyAdmin):
    """Read-only: entries are published by enforcement and never edited; a lift is a new entry."""

    list_display = ["seq", "repository", "revision", "sha256", "severity", "reason", "revoked_at", "lifted_at"]
    list_filter = ["severity", "reason"]
    search_fields = ["repository", "sha256", "revision"]
    raw_id_fields = ["action", "lifts"]
