"""The hub policy in effect, for hubs and reporters: which section keys a report or decision may cite."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from hubmod.schema import error
from policy.models import PolicySection, PolicyVersion
from policy.selectors import policy_current


class PolicySectionOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicySection
        fields = ["key", "title", "text", "allowed_examples", "prohibited_examples"]


class PolicyOutputSerializer(serializers.ModelSerializer):
    effective_from = serializers.DateTimeField(source="effective_at")
    sections = PolicySectionOutputSerializer(many=True)

    class Meta:
        model = PolicyVersion
        fields = ["version", "effective_from", "summary", "sections"]


class PolicyCurrentApi(APIView):
    """Anyone: the current hub policy. A section's `key` is what an `acceptable_use` report's
    `policy_section` and a decision's `{"policy_section": key}` ground cite."""

    authentication_classes: list = []

    @extend_schema(responses={200: PolicyOutputSerializer, **error(404, "No hub policy is in effect yet.")})
    def get(self, request):
        policy = policy_current()
        if policy is None:
            raise NotFound("No hub policy is in effect yet: a hub admin publishes one (manage.py seed sets a default).")
        return Response(PolicyOutputSerializer(policy).data)
