from datetime import timedelta
from typing import Any

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from health_check.views import HealthCheckView

from hub import urls as hub_urls
from hubmod import schema  # noqa: F401 - registers the Bearer key scheme with drf-spectacular
from hubmod.audit import urls as audit_urls
from hubmod.metrics_view import metrics
from hubmod.staff import urls as staff_urls
from licenses import urls as licenses_urls
from moderation import urls as moderation_urls
from policy import urls as policy_urls
from referrals import urls as referrals_urls
from reports import urls as reports_urls
from review import urls as review_urls
from revocations import urls as revocations_urls
from scanning import urls as scanning_urls
from transparency import urls as transparency_urls

# The one module of the ground that names every app (DESIGN.md): each app's urls.py holds its
# routes, the API's in `api_urlpatterns` (under /api/v1/), its pages' in `urlpatterns`.
API_ROUTES = [hub_urls, reports_urls, referrals_urls, moderation_urls, transparency_urls, policy_urls, licenses_urls,
              audit_urls, review_urls, scanning_urls, revocations_urls]  # fmt: skip
PAGE_ROUTES = [review_urls, licenses_urls, transparency_urls, reports_urls, moderation_urls, staff_urls,
               scanning_urls, revocations_urls]  # fmt: skip

api_v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI from hubmod's own static files (drf-spectacular-sidecar), its start-up script a URL
    # of its own rather than inline, so no page runs inline script. It does set inline styles.
    path(
        "docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
]

HEALTH_CHECKS: list[str | tuple[str, dict[str, Any]]] = [
    "health_check.checks.Database",
    "health_check.checks.Cache",
    "health_check.checks.Storage",
    # A dotted path, not an import: scanning sits above hubmod (DESIGN.md, Layout).
    "scanning.health.ClamdCheck",
]
if settings.REDIS_URL:
    # The broker and a live worker answering a ping: the worker heartbeat.
    HEALTH_CHECKS.append(("health_check.contrib.celery.Ping", {"timeout": timedelta(seconds=3)}))

urlpatterns = [
    path("health/", HealthCheckView.as_view(checks=HEALTH_CHECKS), name="health"),
    path("metrics", metrics, name="prometheus-django-metrics"),
    path("", RedirectView.as_view(pattern_name="report-start", permanent=False)),
    path("api/v1/", include(api_v1)),
    *(path("api/v1/", include(urls.api_urlpatterns)) for urls in API_ROUTES),
    path("console/legal/", include(referrals_urls.console_urlpatterns)),
    *(path("", include(urls.urlpatterns)) for urls in PAGE_ROUTES),
    path("policy/", include("policycenter.urls")),
    # The language switcher posts here (set_language): it sets the language cookie and goes back.
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler500 = "hubmod.server_errors.server_error"
handler404 = "hubmod.api.not_found"
