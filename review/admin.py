"""Hub admins configure the checklist, the review criteria and the release stages here; each
edit is kept in its history with who made it. Reviews and releases are read-only: they change
through the services, which audit them."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hubmod.admin import ReadOnlyAdmin
from review.models import CardAssessment, ChecklistItem, Release, ReleaseStage, Review, ReviewCriterion


@admin.register(ChecklistItem)
class ChecklistItemAdmin(SimpleHistoryAdmin):
    list_display = ["label", "key", "required", "kinds", "position", "active"]
    list_editable = ["position", "active"]
    list_filter = ["required", "active"]
    search_fields = ["key", "label", "description"]


@admin.register(ReviewCriterion)
class ReviewCriterionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kinds", "capability_tags", "min_total_size_bytes", "when_hub_requests", "sla_hours"]
    list_display += ["active"]
    list_filter = ["active", "when_hub_requests", "on_new_revision"]
    search_fields = ["name", "description"]


@admin.register(ReleaseStage)
class ReleaseStageAdmin(SimpleHistoryAdmin):
    list_display = ["position", "key", "label", "requires_review", "requires_documentation", "blocks_on_severe_case"]
    list_display_links = ["key"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "repository", "revision", "state", "due_at", "decided_by"]
    list_filter = ["kind", "state"]
    search_fields = ["repository__full_name"]


@admin.register(Release)
class ReleaseAdmin(ReadOnlyAdmin):
    list_display = ["repository", "stage", "halted_at", "halt_reason"]


@admin.register(CardAssessment)
class CardAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["repository", "revision", "score", "missing_required", "created_at"]
    search_fields = ["repository__full_name"]
