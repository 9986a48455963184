from django.contrib import admin, messages

from hubmod.actors import Actor
from hubmod.tasks import dispatch_now
from reports.models import Evidence, HashList, KnownHash, Reporter
from reports.reporters import reporter_set_trusted


@admin.register(Reporter)
class ReporterAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "trusted", "warned_at", "suspended_until", "created_at"]
    list_filter = ["trusted"]
    search_fields = ["email", "name"]
    # Trust and the credentials that prove it are granted by the audited command, not edited here.
    readonly_fields = ["email", "trusted", "user", "hub_account", "warned_at", "created_at"]
    actions = ["mark_trusted", "unmark_trusted"]

    @admin.action(description="Mark as trusted flaggers (DSA Art. 22)", permissions=["trust"])
    def mark_trusted(self, request, queryset):
        for reporter in queryset:
            reporter_set_trusted(reporter_id=reporter.pk, actor=Actor.staff(request.user), trusted=True)
        messages.success(request, f"{queryset.count()} reporter(s) marked as trusted flaggers.")

    @admin.action(description="Remove trusted flagger status", permissions=["trust"])
    def unmark_trusted(self, request, queryset):
        for reporter in queryset:
            reporter_set_trusted(reporter_id=reporter.pk, actor=Actor.staff(request.user), trusted=False)

    def has_trust_permission(self, request):
        return request.user.has_perm("reports.trust_reporter")


class KnownHashInline(admin.TabularInline):
    model = KnownHash
    extra = 3


@admin.register(HashList)
class HashListAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "active", "updated_at"]
    list_filter = ["category", "active"]
    search_fields = ["name", "hashes__sha256"]
    inlines = [KnownHashInline]
    actions = ["scan_now"]

    @admin.action(description="Scan every synced repository against these lists now")
    def scan_now(self, request, queryset):
        for hash_list in queryset:
            dispatch_now("reports.hash_list_scan", hash_list.pk)
        messages.success(request, "Scans started; matches open automated reports.")


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "report", "sha256", "size", "created_at"]
    search_fields = ["sha256"]
    readonly_fields = ["report", "file", "sha256", "size", "content_type", "original_name"]

    def has_add_permission(self, request):
        return False
