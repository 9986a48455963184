"""Routes of transparency, included by hubmod/urls.py: the API under /api/v1/ and the public page."""

from django.urls import path

from transparency import api, views

api_urlpatterns = [
    path("transparency/summary", api.TransparencySummaryApi.as_view(), name="api-transparency-summary"),
    path("transparency/statements-of-reasons", api.StatementsOfReasonsApi.as_view(), name="api-statements-of-reasons"),
]

urlpatterns = [
    path("transparency/", views.transparency, name="transparency"),
    path("transparency/summary.<str:fmt>", views.transparency_download, name="transparency-download"),
    path("transparency/statements/<slug:puid>/", views.statement, name="transparency-statement"),
]
