"""Routes of the hub's policy, included by hubmod/urls.py under /api/v1/ (policycenter renders it for people)."""

from django.urls import path

from policy import api

api_urlpatterns = [
    path("policy", api.PolicyCurrentApi.as_view(), name="api-policy"),
]
