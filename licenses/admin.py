from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from licenses.models import License, LicenseClause

# Django 6's default for a link typed without a scheme, adopted now.
HTTPS_URLS: dict[type[models.Field[Any, Any]], dict[str, Any]] = {models.URLField: {"assume_scheme": "https"}}


class LicenseClauseInline(admin.TabularInline):
    model = LicenseClause
    formfield_overrides = HTTPS_URLS
    extra = 0
    fields = ["ref", "summary", "actionable", "categories", "source_url"]


@admin.register(License)
class LicenseAdmin(SimpleHistoryAdmin):
    list_display = ["key", "name", "spdx_id", "version", "actionable", "updated_at"]
    list_filter = ["actionable"]
    search_fields = ["key", "name", "spdx_id", "rationale", "clauses__ref", "clauses__summary"]
    inlines = [LicenseClauseInline]
    formfield_overrides = HTTPS_URLS
    history_list_display = ["actionable", "rationale"]


@admin.register(LicenseClause)
class LicenseClauseAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "actionable", "license"]
    list_filter = ["actionable", "license"]
    formfield_overrides = HTTPS_URLS
    search_fields = ["ref", "summary", "license__key"]
    history_list_display = ["summary", "actionable"]
