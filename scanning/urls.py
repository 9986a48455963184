"""Routes of artifact scanning, included by hubmod/urls.py: the API under /api/v1/, and the
console's false-positive form."""

from django.urls import path

from scanning import api, views

api_urlpatterns = [
    path("files/<str:sha256>/scan", api.FileScanApi.as_view(), name="api-file-scan"),
]

urlpatterns = [
    path("console/files/<str:sha256>/false-positive", views.false_positive_view, name="console-false-positive"),
]
