"""Routes of artifact scanning, included by hubmod/urls.py under /api/v1/."""

from django.urls import path

from scanning import api

api_urlpatterns = [
    path("files/<str:sha256>/scan", api.FileScanApi.as_view(), name="api-file-scan"),
]
