"""Deciding: dismiss, decide with a ground, and the second approval of four-eyes decisions."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.models import Repository
from hubmod.api import id_field, require_perm, validated
from hubmod.auth import actor_for
from hubmod.schema import error
from moderation.api.cases import case_response
from moderation.api.serializers import CaseOutputSerializer, DecisionOutputSerializer
from moderation.models import Decision, EnforcementAction
from moderation.selectors import case_get, decision_get
from moderation.services.automation import automation_resume
from moderation.services.decisions import (
    Ground,
    case_decide,
    case_dismiss,
    decision_approve,
    decision_reject,
    repository_decommission,
)


def _decision_body(decision_id: int) -> dict:
    return DecisionOutputSerializer(decision_get(decision_id=decision_id)).data


class CaseDismissApi(APIView):
    permission_classes = [require_perm("moderation.decide_case")]

    class InputSerializer(serializers.Serializer):
        reason = serializers.ChoiceField(choices=Decision.DismissalReason.choices)
        statement = serializers.CharField(max_length=20_000)
        clean_for_days = serializers.IntegerField(
            min_value=1,
            max_value=365,
            required=False,
            help_text="Mark the subject reviewed and clean: new reports in this category join this case "
            "without re-entering the queue until then, unless a trusted flagger or new evidence comes.",
        )

    @extend_schema(request=InputSerializer, responses={200: CaseOutputSerializer, **error(409)})
    def post(self, request, case_id: int):
        data = validated(self.InputSerializer, request.data)
        case_dismiss(case_id=case_id, actor=actor_for(request), **data)
        return case_response(case_id)


class GroundSerializer(serializers.Serializer):
    policy_section = serializers.SlugField(max_length=64, required=False)
    license_clause = id_field(required=False)

    def validate(self, attrs):
        if len(attrs) != 1:
            raise serializers.ValidationError("Give exactly one of policy_section or license_clause.")
        return attrs


class CaseDecideApi(APIView):
    permission_classes = [require_perm("moderation.decide_case")]

    class InputSerializer(serializers.Serializer):
        actions = serializers.ListField(
            child=serializers.ChoiceField(choices=EnforcementAction.Kind.choices), min_length=1, max_length=8
        )
        ground = GroundSerializer()
        intent = serializers.ChoiceField(choices=Decision.Intent.choices)
        statement = serializers.CharField(max_length=20_000)
        departure_reason = serializers.CharField(
            max_length=5000, required=False, help_text="Required when the actions differ from the recommendation."
        )
        duration_days = serializers.IntegerField(
            min_value=1, max_value=3650, required=False, help_text="Time-boxed: the actions are lifted after this."
        )
        remediation_days = serializers.IntegerField(
            min_value=1,
            max_value=settings.REMEDIATION_MAX_BUSINESS_DAYS,
            required=False,
            help_text="Business days the uploader has to remove the reported files before anything applies.",
        )
        compromised_since = serializers.DateTimeField(
            required=False,
            help_text="With the intent 'compromised': since when someone else had the account. A rollback goes "
            "back to the last revision published before then.",
        )

        def validate_actions(self, actions):
            if len(actions) != len(set(actions)):
                raise serializers.ValidationError("Name each action once.")
            return actions

    class OutputSerializer(serializers.Serializer):
        case = CaseOutputSerializer()
        decision = DecisionOutputSerializer()

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer, **error(409)})
    def post(self, request, case_id: int):
        data = validated(self.InputSerializer, request.data)
        decision = case_decide(
            case_id=case_id,
            actor=actor_for(request),
            actions=data["actions"],
            ground=Ground(**data["ground"]),
            intent=data["intent"],
            statement=data["statement"],
            departure_reason=data.get("departure_reason", ""),
            duration_days=data.get("duration_days"),
            remediation_days=data.get("remediation_days"),
            compromised_since=data.get("compromised_since"),
        )
        return Response(
            {"case": CaseOutputSerializer(case_get(case_id=case_id)).data, "decision": _decision_body(decision.pk)}
        )


class DecisionApproveApi(APIView):
    """Four-eyes: a second moderator, never the decider, lets a proposed decision take effect."""

    permission_classes = [require_perm("moderation.decide_case")]

    @extend_schema(request=None, responses={200: DecisionOutputSerializer, **error(409)})
    def post(self, request, decision_id: int):
        decision_approve(decision_id=decision_id, actor=actor_for(request))
        return Response(_decision_body(decision_id))


class DecisionRejectApi(APIView):
    permission_classes = [require_perm("moderation.decide_case")]

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=5000)

    @extend_schema(request=InputSerializer, responses={200: DecisionOutputSerializer, **error(409)})
    def post(self, request, decision_id: int):
        data = validated(self.InputSerializer, request.data)
        decision_reject(decision_id=decision_id, actor=actor_for(request), reason=data["reason"])
        return Response(_decision_body(decision_id))


class DecommissionApi(APIView):
    """Remove a repository for good (hub admins), through the usual decision, notice and appeal."""

    permission_classes = [require_perm("moderation.decommission_repository")]

    class InputSerializer(serializers.Serializer):
        repository = serializers.CharField(max_length=200, help_text="owner/name")
        reason = serializers.CharField(max_length=2000, help_text="Why it is removed for good; kept on record.")
        ground = GroundSerializer()
        statement = serializers.CharField(max_length=20_000)

    @extend_schema(request=InputSerializer, responses={201: DecisionOutputSerializer, **error(409)})
    def post(self, request):
        data = validated(self.InputSerializer, request.data)
        repository = Repository.objects.filter(full_name=data["repository"]).first()
        if repository is None:
            raise serializers.ValidationError({"repository": [f"The hub has no repository '{data['repository']}'."]})
        decision = repository_decommission(
            repository=repository,
            actor=actor_for(request),
            reason=data["reason"],
            ground=Ground(**data["ground"]),
            statement=data["statement"],
        )
        return Response(_decision_body(decision.pk), status=status.HTTP_201_CREATED)


class AutomationResumeApi(APIView):
    """Close the automation circuit breaker again (hub admins)."""

    permission_classes = [require_perm("moderation.resume_automation")]

    class OutputSerializer(serializers.Serializer):
        tripped = serializers.BooleanField()
        resumed_at = serializers.DateTimeField()

    @extend_schema(
        request=None,
        responses={200: OutputSerializer, **error(400, "Automation is running; there is nothing to resume.")},
    )
    def post(self, request):
        state = automation_resume(actor=actor_for(request))
        return Response({"tripped": state.tripped, "resumed_at": state.resumed_at})
