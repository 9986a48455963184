"""The queue and the moves on a case short of deciding it: claim, release, reassign, escalate, bulk."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from hubmod.api import id_field, require_perm, validated
from hubmod.auth import actor_for
from hubmod.categories import ReportCategory
from hubmod.schema import error
from moderation.api.serializers import CaseDetailOutputSerializer, CaseOutputSerializer, queue_line
from moderation.models import Case, Decision
from moderation.selectors import (
    CURSOR_PATTERN,
    SCANNED_VERDICTS,
    QueueFilters,
    case_detail,
    case_get,
    case_queue_page,
    queue_counts,
)
from moderation.services.cases import BULK_ACTIONS, case_claim, case_escalate, case_reassign, case_release, cases_bulk


class QueueFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=Case.State.choices, required=False)
    category = serializers.ChoiceField(choices=ReportCategory.choices, required=False)
    priority_min = serializers.IntegerField(min_value=0, max_value=1000, required=False)
    assignee = serializers.CharField(max_length=150, required=False, help_text='A username, "me" or "none".')
    overdue = serializers.BooleanField(required=False, default=False)
    surge = serializers.BooleanField(required=False, default=False)
    scan_verdict = serializers.ChoiceField(
        choices=SCANNED_VERDICTS,
        required=False,
        help_text="Cases on a repository with at least one file that artifact scanning found so.",
    )
    cursor = serializers.RegexField(
        CURSOR_PATTERN,
        required=False,
        error_messages={"invalid": "This cursor is malformed; use the 'next' value as given."},
    )


class CaseListApi(APIView):
    permission_classes = [require_perm("moderation.view_case")]

    class OutputSerializer(serializers.Serializer):
        results = CaseOutputSerializer(many=True)
        next = serializers.CharField(allow_null=True)

    @extend_schema(
        operation_id="cases_list", parameters=[QueueFilterSerializer], responses={200: OutputSerializer, **error(400)}
    )
    def get(self, request):
        query = validated(QueueFilterSerializer, request.query_params.dict())
        filters = QueueFilters(**{k: v for k, v in query.items() if k != "cursor"})
        try:
            page, next_cursor = case_queue_page(filters=filters, user=request.user, cursor=query.get("cursor"))
        except OverflowError as exc:
            raise serializers.ValidationError({"cursor": ["This cursor is out of range."]}) from exc
        return Response({"results": [queue_line(row) for row in page], "next": next_cursor})


class CaseCountsApi(APIView):
    permission_classes = [require_perm("moderation.view_case")]

    class OutputSerializer(serializers.Serializer):
        by_state = serializers.DictField(child=serializers.IntegerField())
        by_category = serializers.DictField(child=serializers.IntegerField())
        overdue = serializers.IntegerField()
        surge = serializers.IntegerField()
        total = serializers.IntegerField()

    @extend_schema(responses=OutputSerializer)
    def get(self, request):
        return Response(queue_counts())


class CaseDetailApi(APIView):
    permission_classes = [require_perm("moderation.view_case")]

    @extend_schema(responses=CaseDetailOutputSerializer)
    def get(self, request, case_id: int):
        detail = case_detail(case_id=case_id, user=request.user)
        if detail is None:
            raise Http404
        return Response(CaseDetailOutputSerializer(detail, context={"request": request}).data)


def case_response(case_id: int) -> Response:
    return Response(CaseOutputSerializer(case_get(case_id=case_id)).data)


class CaseClaimApi(APIView):
    permission_classes = [require_perm("moderation.claim_case")]

    @extend_schema(request=None, responses={200: CaseOutputSerializer, **error(409)})
    def post(self, request, case_id: int):
        case_claim(case_id=case_id, actor=actor_for(request))
        return case_response(case_id)


class CaseReleaseApi(APIView):
    permission_classes = [require_perm("moderation.claim_case")]

    @extend_schema(request=None, responses={200: CaseOutputSerializer, **error(409)})
    def post(self, request, case_id: int):
        case_release(case_id=case_id, actor=actor_for(request))
        return case_response(case_id)


class AssigneeField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="username", queryset=get_user_model().objects.filter(is_active=True), **kwargs)


class CaseReassignApi(APIView):
    permission_classes = [require_perm("moderation.claim_case")]

    class InputSerializer(serializers.Serializer):
        assignee = AssigneeField()

    @extend_schema(request=InputSerializer, responses={200: CaseOutputSerializer, **error(409)})
    def post(self, request, case_id: int):
        data = validated(self.InputSerializer, request.data)
        case_reassign(case_id=case_id, actor=actor_for(request), to=data["assignee"])
        return case_response(case_id)


class CaseEscalateApi(APIView):
    permission_classes = [require_perm("moderation.claim_case")]

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=5000)
        to = serializers.ChoiceField(choices=Case.EscalatedTo.choices, default=Case.EscalatedTo.SENIOR)

    @extend_schema(request=InputSerializer, responses={200: CaseOutputSerializer, **error(409)})
    def post(self, request, case_id: int):
        data = validated(self.InputSerializer, request.data)
        case_escalate(case_id=case_id, actor=actor_for(request), reason=data["reason"], to=data["to"])
        return case_response(case_id)


class CaseBulkApi(APIView):
    """One action over a selection; each case is done (and audited) on its own."""

    permission_classes = [require_perm("moderation.claim_case")]

    class InputSerializer(serializers.Serializer):
        ids = serializers.ListField(child=id_field(), min_length=1, max_length=200)
        action = serializers.ChoiceField(choices=BULK_ACTIONS)
        reason = serializers.CharField(max_length=5000, required=False)
        statement = serializers.CharField(max_length=20_000, required=False)
        to = serializers.ChoiceField(choices=Case.EscalatedTo.choices, default=Case.EscalatedTo.SENIOR)
        assignee = AssigneeField(required=False)

        def validate(self, attrs):
            needed = {"dismiss": ("reason", "statement"), "escalate": ("reason",), "assign": ("assignee",)}
            missing = {name: ["Required for this action."] for name in needed[attrs["action"]] if name not in attrs}
            if missing:
                raise serializers.ValidationError(missing)
            if attrs["action"] == "dismiss" and attrs["reason"] not in Decision.DismissalReason.values:
                raise serializers.ValidationError(
                    {"reason": [f"Use one of: {', '.join(Decision.DismissalReason.values)}."]}
                )
            return attrs

    class OutputSerializer(serializers.Serializer):
        results = serializers.ListField(child=serializers.DictField())

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def post(self, request):
        data = validated(self.InputSerializer, request.data)
        if data["action"] == "dismiss" and not request.user.has_perm("moderation.decide_case"):
            raise serializers.ValidationError({"action": ["Your role cannot dismiss cases."]})
        params = {k: data[k] for k in ("reason", "statement", "to", "assignee") if k in data}
        outcomes = cases_bulk(actor=actor_for(request), case_ids=data["ids"], action=data["action"], **params)
        return Response({"results": [{"id": o.id, "ok": o.ok, "state": o.state, "error": o.error} for o in outcomes]})
