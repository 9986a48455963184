from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from hub import api as hub_api
from hubmod import schema  # noqa: F401 - registers the Bearer key scheme with drf-spectacular
from licenses import api as licenses_api
from licenses import views as licenses_views
from moderation import api as moderation_api
from moderation import views as moderation_views
from reports import api as reports_api
from reports import views as reports_views

api_v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("hub/accounts/<str:handle>", hub_api.AccountSyncApi.as_view(), name="api-hub-account"),
    path("hub/repositories/<str:owner>/<str:name>", hub_api.RepositoryApi.as_view(), name="api-hub-repository"),
    path("report-categories", reports_api.ReportCategoriesApi.as_view(), name="api-report-categories"),
    path("reports", reports_api.ReportCreateApi.as_view(), name="api-reports"),
    path("reports/<int:report_id>", reports_api.ReportStatusApi.as_view(), name="api-report-status"),
    path("reports/<int:report_id>/evidence", reports_api.ReportEvidenceApi.as_view(), name="api-report-evidence"),
    path("cases", moderation_api.CaseListApi.as_view(), name="api-cases"),
    path("cases/<int:case_id>", moderation_api.CaseDetailApi.as_view(), name="api-case"),
    path("cases/<int:case_id>/claim", moderation_api.CaseClaimApi.as_view(), name="api-case-claim"),
    path("cases/<int:case_id>/release", moderation_api.CaseReleaseApi.as_view(), name="api-case-release"),
    path("cases/<int:case_id>/escalate", moderation_api.CaseEscalateApi.as_view(), name="api-case-escalate"),
    path("cases/<int:case_id>/dismiss", moderation_api.CaseDismissApi.as_view(), name="api-case-dismiss"),
    path("cases/<int:case_id>/decide", moderation_api.CaseDecideApi.as_view(), name="api-case-decide"),
    path("enforcement-actions", moderation_api.EnforcementActionListApi.as_view(), name="api-enforcement-actions"),
    path(
        "enforcement-actions/<int:action_id>/retry",
        moderation_api.EnforcementActionRetryApi.as_view(),
        name="api-enforcement-action-retry",
    ),
    path("appeals", moderation_api.AppealCreateApi.as_view(), name="api-appeals"),
    path("appeals/<int:appeal_id>/decide", moderation_api.AppealDecideApi.as_view(), name="api-appeal-decide"),
    path("licenses", licenses_api.LicenseListApi.as_view(), name="api-licenses"),
    path("licenses/<str:key>", licenses_api.LicenseDetailApi.as_view(), name="api-license"),
    path("licenses/<str:key>/history", licenses_api.LicenseHistoryApi.as_view(), name="api-license-history"),
    path("licenses/<str:key>/clauses", licenses_api.ClauseCreateApi.as_view(), name="api-license-clauses"),
    path(
        "licenses/<str:key>/clauses/<int:clause_id>", licenses_api.ClauseUpdateApi.as_view(), name="api-license-clause"
    ),
]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="report-start", permanent=False)),
    path("api/v1/", include(api_v1)),
    path("licenses/", licenses_views.catalogue, name="license-catalogue"),
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
    path("console/", moderation_views.console_queue, name="console-queue"),
    path("console/cases/<int:case_id>/", moderation_views.console_case, name="console-case"),
    path("admin/", admin.site.urls),
]
