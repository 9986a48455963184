from django.contrib import admin

from licenses.models import License, LicenseClause


class LicenseClauseInline(admin.TabularInline):
    model = LicenseClause
    extra = 0


@admin.register(License)
class LicenseAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "spdx_id", "actionable"]
    list_filter = ["actionable"]
    search_fields = ["key", "name", "spdx_id"]
    inlines = [LicenseClauseInline]
