"""Routes of the hub's side, included by hubmod/urls.py under /api/v1/: syncs and the outbox."""

from django.urls import path

from hub import api, events_api

api_urlpatterns = [
    path("hub/accounts/<str:handle>", api.AccountSyncApi.as_view(), name="api-hub-account"),
    path("hub/repositories/<str:owner>/<str:name>", api.RepositoryApi.as_view(), name="api-hub-repository"),
    path("hub-events", events_api.HubEventListApi.as_view(), name="api-hub-events"),
    path("hub-events/<int:event_id>/retry", events_api.HubEventRetryApi.as_view(), name="api-hub-event-retry"),
]
