"""Routes of intake, included by hubmod/urls.py: the API under /api/v1/, the report forms and the
reporter's pages."""

from django.urls import path

from reports import api, views

api_urlpatterns = [
    path("report-categories", api.ReportCategoriesApi.as_view(), name="api-report-categories"),
    path("reports", api.ReportCreateApi.as_view(), name="api-reports"),
    path("reports/<int:report_id>", api.ReportStatusApi.as_view(), name="api-report-status"),
    path("reports/<int:report_id>/evidence", api.ReportEvidenceApi.as_view(), name="api-report-evidence"),
    path("evidence/<int:evidence_id>", api.EvidenceDownloadApi.as_view(), name="api-evidence"),
]

urlpatterns = [
    path("report/", views.report_start, name="report-start"),
    path("report/<slug:category>/", views.report_new, name="report-new"),
    path("reports/<int:report_id>/status", views.report_status_page, name="report-status"),
    path("reports/<int:report_id>/appeal", views.report_appeal, name="report-appeal"),
    path("console/evidence/<int:evidence_id>", views.evidence_download, name="evidence-download"),
]
