"""Routes of the license catalogue, included by hubmod/urls.py: the API under /api/v1/ and the public page."""

from django.urls import path

from licenses import api, views

api_urlpatterns = [
    path("licenses", api.LicenseListApi.as_view(), name="api-licenses"),
    path("licenses/<str:key>", api.LicenseDetailApi.as_view(), name="api-license"),
    path("licenses/<str:key>/history", api.LicenseHistoryApi.as_view(), name="api-license-history"),
    path("licenses/<str:key>/clauses", api.ClauseCreateApi.as_view(), name="api-license-clauses"),
    path("licenses/<str:key>/clauses/<int:clause_id>", api.ClauseUpdateApi.as_view(), name="api-license-clause"),
]

urlpatterns = [
    path("licenses/", views.catalogue, name="license-catalogue"),
]
