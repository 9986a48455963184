"""Staff API over the hub-event outbox: which review and release events failed, and retrying them."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.events import hub_event_retry
from hub.models import HubEvent
from hub.selectors import hub_events
from hubmod.api import require_perm
from hubmod.auth import actor_for
from hubmod.schema import error


class HubEventOutputSerializer(serializers.ModelSerializer):
    repository = serializers.CharField(source="repository.full_name")

    class Meta:
        model = HubEvent
        fields = ["id", "type", "repository", "state", "attempts", "last_error", "payload", "created_at"]
        fields += ["delivered_at"]


class HubEventListApi(APIView):
    permission_classes = [require_perm("hub.view_hubevent")]

    @extend_schema(
        parameters=[OpenApiParameter("state", str, enum=HubEvent.State.values)],
        responses={200: HubEventOutputSerializer(many=True), **error(400)},
    )
    def get(self, request):
        state = request.query_params.get("state") or None
        if state and state not in HubEvent.State.values:
            raise serializers.ValidationError({"state": [f"Use one of: {', '.join(HubEvent.State.values)}."]})
        return Response(HubEventOutputSerializer(hub_events(state=state), many=True).data)


class HubEventRetryApi(APIView):
    permission_classes = [require_perm("hub.retry_hubevent")]

    @extend_schema(request=None, responses={200: HubEventOutputSerializer, **error(409)})
    def post(self, request, event_id: int):
        event = hub_event_retry(event_id=event_id, actor=actor_for(request))
        return Response(HubEventOutputSerializer(event).data)
