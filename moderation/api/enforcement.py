"""Enforcement actions: what is failed, and retrying it by hand."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from hubmod.api import require_perm
from hubmod.auth import actor_for
from hubmod.schema import error
from moderation.api.serializers import ActionOutputSerializer
from moderation.models import EnforcementAction
from moderation.selectors import enforcement_actions
from moderation.services.enforcement import enforcement_retry


class EnforcementActionListApi(APIView):
    permission_classes = [require_perm("moderation.view_enforcementaction")]

    @extend_schema(
        parameters=[OpenApiParameter("state", str, enum=EnforcementAction.State.values)],
        responses={200: ActionOutputSerializer(many=True), **error(400)},
    )
    def get(self, request):
        state = request.query_params.get("state") or None
        if state and state not in EnforcementAction.State.values:
            raise serializers.ValidationError({"state": [f"Use one of: {', '.join(EnforcementAction.State.values)}."]})
        return Response(ActionOutputSerializer(enforcement_actions(state=state)[:500], many=True).data)


class EnforcementActionRetryApi(APIView):
    permission_classes = [require_perm("moderation.retry_enforcement")]

    @extend_schema(request=None, responses={200: ActionOutputSerializer, **error(409)})
    def post(self, request, action_id: int):
        action = enforcement_retry(action_id=action_id, actor=actor_for(request))
        return Response(ActionOutputSerializer(action).data)
