from django.contrib import admin
from rest_framework_api_key.admin import APIKeyModelAdmin

from hub.events import hub_event_retry
from hub.models import Account, HubEvent, HubKey, Repository
from hubmod.actors import Actor


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["handle", "display_name", "standing", "created_at"]
    list_filter = ["standing"]
    search_fields = ["handle", "display_name", "email"]
    readonly_fields = ["standing"]


@admin.register(Repository)
class RepositoryAdmin(admin.ModelAdmin):
    list_display = ["full_name", "kind", "license_key", "visibility", "gated", "review_status", "release_stage"]
    list_filter = ["kind", "visibility", "gated", "review_status"]
    search_fields = ["full_name"]
    readonly_fields = ["full_name", "visibility", "review_status", "release_stage"]


@admin.register(HubKey)
class HubKeyAdmin(APIKeyModelAdmin):
    pass


@admin.register(HubEvent)
class HubEventAdmin(admin.ModelAdmin):
    list_display = ["pk", "type", "repository", "state", "attempts", "last_error", "created_at"]
    list_filter = ["type", "state"]
    search_fields = ["repository__full_name"]
    readonly_fields = [f.name for f in HubEvent._meta.fields]
    actions = ["retry_failed"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Retry the selected failed events", permissions=["retry"])
    def retry_failed(self, request, queryset):
        retried = 0
        for event in queryset.filter(state=HubEvent.State.FAILED):
            hub_event_retry(event_id=event.pk, actor=Actor.staff(request.user))
            retried += 1
        self.message_user(request, f"{retried} event(s) queued for delivery again.")

    def has_retry_permission(self, request) -> bool:
        return request.user.has_perm("hub.retry_hubevent")
