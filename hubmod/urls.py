from datetime import timedelta

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from health_check.views import HealthCheckView

from hub import api as hub_api
from hub import events_api as hub_events_api
from hubmod import schema  # noqa: F401 - registers the Bearer key scheme with drf-spectacular
from hubmod.audit import urls as audit_urls
from hubmod.metrics_view import metrics
from licenses import api as licenses_api
from licenses import views as licenses_views
from moderation import console
from moderation import views as moderation_views
from moderation.api import appeals as appeals_api
from moderation.api import cases as cases_api
from moderation.api import decisions as decisions_api
from moderation.api import enforcement as enforcement_api
from moderation.api import policy as policy_api
from moderation.api import transparency as transparency_api
from moderation.transparency import views as transparency_views
from referrals import urls as referrals_urls
from reports import api as reports_api
from reports import views as reports_views
from review import urls as review_urls

api_v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI from hubmod's own static files (drf-spectacular-sidecar), its start-up script a URL
    # of its own rather than inline, so no page runs inline script. It does set inline styles.
    path(
        "docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("hub/accounts/<str:handle>", hub_api.AccountSyncApi.as_view(), name="api-hub-account"),
    path("hub/repositories/<str:owner>/<str:name>", hub_api.RepositoryApi.as_view(), name="api-hub-repository"),
    path("hub-events", hub_events_api.HubEventListApi.as_view(), name="api-hub-events"),
    path("hub-events/<int:event_id>/retry", hub_events_api.HubEventRetryApi.as_view(), name="api-hub-event-retry"),
    path("report-categories", reports_api.ReportCategoriesApi.as_view(), name="api-report-categories"),
    path("reports", reports_api.ReportCreateApi.as_view(), name="api-reports"),
    path("reports/<int:report_id>", reports_api.ReportStatusApi.as_view(), name="api-report-status"),
    path("reports/<int:report_id>/evidence", reports_api.ReportEvidenceApi.as_view(), name="api-report-evidence"),
    path("evidence/<int:evidence_id>", reports_api.EvidenceDownloadApi.as_view(), name="api-evidence"),
    path("", include(referrals_urls.api_urlpatterns)),
    path("cases", cases_api.CaseListApi.as_view(), name="api-cases"),
    path("cases/counts", cases_api.CaseCountsApi.as_view(), name="api-case-counts"),
    path("cases/bulk", cases_api.CaseBulkApi.as_view(), name="api-cases-bulk"),
    path("cases/<int:case_id>", cases_api.CaseDetailApi.as_view(), name="api-case"),
    path("cases/<int:case_id>/claim", cases_api.CaseClaimApi.as_view(), name="api-case-claim"),
    path("cases/<int:case_id>/release", cases_api.CaseReleaseApi.as_view(), name="api-case-release"),
    path("cases/<int:case_id>/reassign", cases_api.CaseReassignApi.as_view(), name="api-case-reassign"),
    path("cases/<int:case_id>/escalate", cases_api.CaseEscalateApi.as_view(), name="api-case-escalate"),
    path("cases/<int:case_id>/dismiss", decisions_api.CaseDismissApi.as_view(), name="api-case-dismiss"),
    path("cases/<int:case_id>/decide", decisions_api.CaseDecideApi.as_view(), name="api-case-decide"),
    path(
        "decisions/<int:decision_id>/approve", decisions_api.DecisionApproveApi.as_view(), name="api-decision-approve"
    ),
    path("decisions/<int:decision_id>/reject", decisions_api.DecisionRejectApi.as_view(), name="api-decision-reject"),
    path("decommissions", decisions_api.DecommissionApi.as_view(), name="api-decommissions"),
    path("automation/resume", decisions_api.AutomationResumeApi.as_view(), name="api-automation-resume"),
    path("enforcement-actions", enforcement_api.EnforcementActionListApi.as_view(), name="api-enforcement-actions"),
    path(
        "enforcement-actions/<int:action_id>/retry",
        enforcement_api.EnforcementActionRetryApi.as_view(),
        name="api-enforcement-action-retry",
    ),
    path("appeals", appeals_api.AppealCreateApi.as_view(), name="api-appeals"),
    path("appeals/<int:appeal_id>/decide", appeals_api.AppealDecideApi.as_view(), name="api-appeal-decide"),
    path("appeals/<int:appeal_id>/court-action", appeals_api.CourtActionApi.as_view(), name="api-appeal-court-action"),
    path("transparency/summary", transparency_api.TransparencySummaryApi.as_view(), name="api-transparency-summary"),
    path(
        "transparency/statements-of-reasons",
        transparency_api.StatementsOfReasonsApi.as_view(),
        name="api-statements-of-reasons",
    ),
    path("policy", policy_api.PolicyCurrentApi.as_view(), name="api-policy"),
    path("licenses", licenses_api.LicenseListApi.as_view(), name="api-licenses"),
    path("licenses/<str:key>", licenses_api.LicenseDetailApi.as_view(), name="api-license"),
    path("licenses/<str:key>/history", licenses_api.LicenseHistoryApi.as_view(), name="api-license-history"),
    path("licenses/<str:key>/clauses", licenses_api.ClauseCreateApi.as_view(), name="api-license-clauses"),
    path(
        "licenses/<str:key>/clauses/<int:clause_id>", licenses_api.ClauseUpdateApi.as_view(), name="api-license-clause"
    ),
]

HEALTH_CHECKS = ["health_check.checks.Database", "health_check.checks.Cache", "health_check.checks.Storage"]
if settings.REDIS_URL:
    # The broker and a live worker answering a ping: the worker heartbeat.
    HEALTH_CHECKS.append(("health_check.contrib.celery.Ping", {"timeout": timedelta(seconds=3)}))

urlpatterns = [
    path("health/", HealthCheckView.as_view(checks=HEALTH_CHECKS), name="health"),
    path("metrics", metrics, name="prometheus-django-metrics"),
    path("", RedirectView.as_view(pattern_name="report-start", permanent=False)),
    path("api/v1/", include(api_v1)),
    path("api/v1/", include(audit_urls.api_urlpatterns)),
    path("api/v1/", include(review_urls.api_urlpatterns)),
    path("", include(review_urls.urlpatterns)),
    path("licenses/", licenses_views.catalogue, name="license-catalogue"),
    path("policy/", include("policycenter.urls")),
    # The language switcher posts here (set_language): it sets the language cookie and goes back.
    path("i18n/", include("django.conf.urls.i18n")),
    path("transparency/", transparency_views.transparency, name="transparency"),
    path(
        "transparency/summary.<str:fmt>",
        transparency_views.transparency_download,
        name="transparency-download",
    ),
    path("report/", reports_views.report_start, name="report-start"),
    path("report/<slug:category>/", reports_views.report_new, name="report-new"),
    path("reports/<int:report_id>/status", reports_views.report_status_page, name="report-status"),
    path("reports/<int:report_id>/appeal", reports_views.report_appeal, name="report-appeal"),
    path("console/evidence/<int:evidence_id>", reports_views.evidence_download, name="evidence-download"),
    path("notices/<str:token>/", moderation_views.notice, name="notice"),
    path(
        "console/login/",
        auth_views.LoginView.as_view(template_name="moderation/login.html", redirect_authenticated_user=True),
        name="console-login",
    ),
    path("console/logout/", auth_views.LogoutView.as_view(), name="console-logout"),
    path("console/legal/", include(referrals_urls.console_urlpatterns)),
    path("console/", console.queue, name="console-queue"),
    path("console/bulk", console.bulk, name="console-bulk"),
    path("console/enforcement/", console.enforcement, name="console-enforcement"),
    path("console/appeals/", console.appeals, name="console-appeals"),
    path("console/appeals/<int:appeal_id>/", console.appeal_page, name="console-appeal"),
    path("console/enforcement/<int:action_id>/retry", console.enforcement_retry_view, name="console-enforcement-retry"),
    path("console/cases/<int:case_id>/", console.case_page, name="console-case"),
    path("console/cases/<int:case_id>/decide", console.case_decide_view, name="console-case-decide"),
    path("console/cases/<int:case_id>/dismiss", console.case_dismiss_view, name="console-case-dismiss"),
    path("console/cases/<int:case_id>/<slug:move>", console.case_move, name="console-case-move"),
    path("admin/", admin.site.urls),
]

handler500 = "hubmod.server_errors.server_error"
handler404 = "hubmod.api.not_found"
