"""Routes of the audit log, included by hubmod/urls.py under /api/v1/: its public checkpoints."""

from django.urls import path

from hubmod.audit import api

api_urlpatterns = [
    path("audit/checkpoints", api.AuditCheckpointListApi.as_view(), name="api-audit-checkpoints"),
    path("audit/checkpoints/keys", api.AuditCheckpointKeysApi.as_view(), name="api-audit-checkpoint-keys"),
]
