"""Routes of moderation, included by hubmod/urls.py: the API under /api/v1/, the console and the
uploader's notice page."""

from django.urls import path

from moderation import console, names, questions, views
from moderation.api import appeals, cases, decisions, enforcement

api_urlpatterns = [
    path("cases", cases.CaseListApi.as_view(), name="api-cases"),
    path("cases/counts", cases.CaseCountsApi.as_view(), name="api-case-counts"),
    path("cases/bulk", cases.CaseBulkApi.as_view(), name="api-cases-bulk"),
    path("cases/<int:case_id>", cases.CaseDetailApi.as_view(), name="api-case"),
    path("cases/<int:case_id>/claim", cases.CaseClaimApi.as_view(), name="api-case-claim"),
    path("cases/<int:case_id>/release", cases.CaseReleaseApi.as_view(), name="api-case-release"),
    path("cases/<int:case_id>/reassign", cases.CaseReassignApi.as_view(), name="api-case-reassign"),
    path("cases/<int:case_id>/escalate", cases.CaseEscalateApi.as_view(), name="api-case-escalate"),
    path("cases/<int:case_id>/dismiss", decisions.CaseDismissApi.as_view(), name="api-case-dismiss"),
    path("cases/<int:case_id>/decide", decisions.CaseDecideApi.as_view(), name="api-case-decide"),
    path("decisions/<int:decision_id>/approve", decisions.DecisionApproveApi.as_view(), name="api-decision-approve"),
    path("decisions/<int:decision_id>/reject", decisions.DecisionRejectApi.as_view(), name="api-decision-reject"),
    path("decommissions", decisions.DecommissionApi.as_view(), name="api-decommissions"),
    path("automation/resume", decisions.AutomationResumeApi.as_view(), name="api-automation-resume"),
    path("enforcement-actions", enforcement.EnforcementActionListApi.as_view(), name="api-enforcement-actions"),
    path(
        "enforcement-actions/<int:action_id>/retry",
        enforcement.EnforcementActionRetryApi.as_view(),
        name="api-enforcement-action-retry",
    ),
    path("appeals", appeals.AppealCreateApi.as_view(), name="api-appeals"),
    path("appeals/<int:appeal_id>/decide", appeals.AppealDecideApi.as_view(), name="api-appeal-decide"),
    path("appeals/<int:appeal_id>/court-action", appeals.CourtActionApi.as_view(), name="api-appeal-court-action"),
]

urlpatterns = [
    path("notices/<str:token>/", views.notice, name="notice"),
    path("questions/<str:token>/", questions.question, name="question"),
    path("console/cases/<int:case_id>/ask", questions.question_ask_view, name="console-case-ask"),
    path("console/", console.queue, name="console-queue"),
    path("console/bulk", console.bulk, name="console-bulk"),
    path("console/views", console.queue_filter_save, name="console-queue-view-save"),
    path("console/views/<int:filter_id>/delete", console.queue_filter_delete, name="console-queue-view-delete"),
    path("console/enforcement/", console.enforcement, name="console-enforcement"),
    path("console/names/", names.names, name="console-names"),
    path("console/names/<int:reservation_id>/release", names.name_release_view, name="console-name-release"),
    path("console/appeals/", console.appeals, name="console-appeals"),
    path("console/appeals/<int:appeal_id>/", console.appeal_page, name="console-appeal"),
    path("console/enforcement/<int:action_id>/retry", console.enforcement_retry_view, name="console-enforcement-retry"),
    path("console/cases/<int:case_id>/", console.case_page, name="console-case"),
    path("console/cases/<int:case_id>/decide", console.case_decide_view, name="console-case-decide"),
    path("console/cases/<int:case_id>/dismiss", console.case_dismiss_view, name="console-case-dismiss"),
    path("console/cases/<int:case_id>/<slug:move>", console.case_move, name="console-case-move"),
]
