from django.contrib import admin
from rest_framework_api_key.admin import APIKeyModelAdmin

from hub.models import Account, HubKey, Repository


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["handle", "display_name", "standing", "created_at"]
    list_filter = ["standing"]
    search_fields = ["handle", "display_name", "email"]
    readonly_fields = ["standing"]


@admin.register(Repository)
class RepositoryAdmin(admin.ModelAdmin):
    list_display = ["full_name", "kind", "license_key", "visibility", "gated", "updated_at"]
    list_filter = ["kind", "visibility", "gated"]
    search_fields = ["full_name"]
    readonly_fields = ["full_name", "visibility"]


@admin.register(HubKey)
class HubKeyAdmin(APIKeyModelAdmin):
    pass
