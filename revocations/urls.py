"""Routes of the revocation feed, included by hubmod/urls.py: the API under /api/v1/, and the key
at its well-known URL (RFC 8615)."""

from django.urls import path

from revocations import api

api_urlpatterns = [
    path("revocations", api.RevocationFeedApi.as_view(), name="api-revocations"),
    path("revocations/key", api.RevocationKeyApi.as_view(), name="api-revocations-key"),
]

urlpatterns = [
    path(".well-known/hubmod-revocations.json", api.RevocationKeyWellKnown.as_view(), name="revocations-well-known"),
]
