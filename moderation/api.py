"""The moderation and appeals API of API.md."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.models import HANDLE_PATTERN
from hubmod.actors import Actor
from hubmod.api import require_perm, validated
from hubmod.audit.log import trail
from hubmod.auth import HubPrincipal, actor_for
from hubmod.errors import Forbidden
from hubmod.receipts import receipt_digest
from moderation.models import Appeal, Case, Decision, EnforcementAction
from moderation.selectors import case_get, case_queue, decision_for_notice_token, enforcement_actions
from moderation.services.appeals import appeal_decide, appeal_submit
from moderation.services.cases import case_claim, case_escalate, case_release
from moderation.services.decisions import Ground, case_decide, case_dismiss
from moderation.services.enforcement import enforcement_retry

QUEUE_PAGE_SIZE = 50
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


@extend_schema_field(
    {
        "type": "object",
        "properties": {"type": {"type": "string", "enum": ["repository", "account"]}, "id": {"type": "string"}},
        "required": ["type", "id"],
    }
)
class SubjectField(serializers.Field):
    def to_representation(self, case: Case) -> dict:
        subject = case.subject
        return {"type": case.subject_type, "id": subject.full_name if case.repository_id else subject.handle}


class CaseOutputSerializer(serializers.ModelSerializer):
    subject = SubjectField(source="*")
    assignee = serializers.CharField(source="assignee.username", default=None)

    class Meta:
        model = Case
        fields = [
            "id",
            "state",
            "category",
            "priority",
            "due_at",
            "subject",
            "revision",
            "assignee",
            "escalation_reason",
            "surge_detected_at",
            "created_at",
            "resolved_at",
        ]


class ActionOutputSerializer(serializers.ModelSerializer):
    reverses = serializers.IntegerField(source="reverses_id", default=None)

    class Meta:
        model = EnforcementAction
        fields = ["id", "decision", "kind", "state", "reverses", "attempts", "last_error", "applied_at", "created_at"]


class DecisionOutputSerializer(serializers.ModelSerializer):
    actions = serializers.SerializerMethodField()
    ground = serializers.SerializerMethodField()
    decided_by = serializers.CharField(source="decided_by.username")

    class Meta:
        model = Decision
        fields = [
            "id",
            "case",
            "outcome",
            "dismissal_reason",
            "actions",
            "ground",
            "intent",
            "statement",
            "decided_by",
            "automated_detection",
            "automated_decision",
            "territorial_scope",
            "appeal_deadline",
            "created_at",
        ]

    def get_actions(self, decision) -> list[str]:
        return [a.kind for a in decision.actions.all() if a.reverses_id is None]

    def get_ground(self, decision) -> dict | None:
        if decision.policy_section_id:
            return {"policy_section": decision.policy_section.key, "label": decision.ground_label}
        if decision.license_clause_id:
            return {"license_clause": decision.license_clause_id, "label": decision.ground_label}
        return None


class CaseDetailOutputSerializer(CaseOutputSerializer):
    reports = serializers.SerializerMethodField()
    decisions = DecisionOutputSerializer(many=True)
    audit_trail = serializers.SerializerMethodField()

    class Meta(CaseOutputSerializer.Meta):
        fields = [*CaseOutputSerializer.Meta.fields, "reports", "decisions", "audit_trail"]

    def get_reports(self, case) -> list[dict]:
        # Staff only: this serializer is behind moderation.view_case.
        return [
            {
                "id": r.id,
                "source": r.source,
                "details": r.details,
                "revision": r.revision,
                "path": r.path,
                "lines": [r.line_start, r.line_end] if r.line_start else None,
                "file_sha256": r.file_sha256,
                "reporter": {
                    "name": r.reporter_name,
                    "email": r.reporter_email,
                    "trusted": bool(r.reporter and r.reporter.trusted),
                },
                "on_behalf_of": r.on_behalf_of,
                "evidence": [
                    {
                        "sha256": e.sha256,
                        "content_type": e.content_type,
                        "size": e.size,
                        "url": reverse("evidence-download", args=[e.pk]),
                    }
                    for e in r.evidence.all()
                ],
                "created_at": r.created_at,
            }
            for r in case.reports.select_related("reporter").prefetch_related("evidence").order_by("id")
        ]

    def get_audit_trail(self, case) -> list[dict]:
        return [{"at": e.created_at, "actor": e.actor_label, "verb": e.verb, "data": e.data} for e in trail(case)]


class CaseListApi(APIView):
    permission_classes = [require_perm("moderation.view_case")]

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=Case.State.values),
            OpenApiParameter("category", str),
            OpenApiParameter("cursor", str),
        ],
        responses=CaseOutputSerializer(many=True),
    )
    def get(self, request):
        state = request.query_params.get("state") or None
        if state and state not in Case.State.values:
            raise serializers.ValidationError({"state": [f"Use one of: {', '.join(Case.State.values)}."]})
        cases = case_queue(state=state, category=request.query_params.get("category") or None)
        after = request.query_params.get("cursor")
        if after:
            cases = _after_cursor(cases, after)
        page = list(cases[: QUEUE_PAGE_SIZE + 1])
        next_cursor = None
        if len(page) > QUEUE_PAGE_SIZE:
            page = page[:QUEUE_PAGE_SIZE]
            last = page[-1]
            next_cursor = f"{last.priority}_{(last.due_at - EPOCH) // MICROSECOND}_{last.pk}"
        return Response({"results": CaseOutputSerializer(page, many=True).data, "next": next_cursor})


def _after_cursor(cases, cursor: str):
    """Keyset pagination: the rows after (priority desc, due_at asc, id asc) of the cursor."""
    try:
        priority, due, pk = (int(part) for part in cursor.split("_"))
        due_at = EPOCH + due * MICROSECOND
    except (ValueError, OverflowError) as exc:
        raise serializers.ValidationError(
            {"cursor": ["This cursor is malformed; use the 'next' value as given."]}
        ) from exc
    return cases.filter(
        Q(priority__lt=priority)
        | Q(priority=priority, due_at__gt=due_at)
        | Q(priority=priority, due_at=due_at, pk__gt=pk)
    )


class CaseDetailApi(APIView):
    permission_classes = [require_perm("moderation.view_case")]

    @extend_schema(responses=CaseDetailOutputSerializer)
    def get(self, request, case_id: int):
        case = case_get(case_id=case_id)
        if case is None:
            raise Http404
        return Response(CaseDetailOutputSerializer(case).data)


def _case_response(case_id: int) -> Response:
    return Response(CaseOutputSerializer(case_get(case_id=case_id)).data)


class CaseClaimApi(APIView):
    permission_classes = [require_perm("moderation.claim_case")]

    @extend_schema(request=None, responses=CaseOutputSerializer)
    def post(self, request, case_id: int):
        case_claim(case_id=case_id, actor=actor_for(request))
        return _case_response(case_id)


class CaseReleaseApi(APIView):
    permission_classes = [require_perm("moderation.claim_case")]

    @extend_schema(request=None, responses=CaseOutputSerializer)
    def post(self, request, case_id: int):
        case_release(case_id=case_id, actor=actor_for(request))
        return _case_response(case_id)


class CaseEscalateApi(APIView):
    permission_classes = [require_perm("moderation.claim_case")]

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=5000)

    @extend_schema(request=InputSerializer, responses=CaseOutputSerializer)
    def post(self, request, case_id: int):
        data = validated(self.InputSerializer, request.data)
        case_escalate(case_id=case_id, actor=actor_for(request), reason=data["reason"])
        return _case_response(case_id)


class CaseDismissApi(APIView):
    permission_classes = [require_perm("moderation.decide_case")]

    class InputSerializer(serializers.Serializer):
        reason = serializers.ChoiceField(choices=Decision.DismissalReason.choices)
        statement = serializers.CharField(max_length=20_000)

    @extend_schema(request=InputSerializer, responses=CaseOutputSerializer)
    def post(self, request, case_id: int):
        data = validated(self.InputSerializer, request.data)
        case_dismiss(case_id=case_id, actor=actor_for(request), reason=data["reason"], statement=data["statement"])
        return _case_response(case_id)


class GroundSerializer(serializers.Serializer):
    policy_section = serializers.SlugField(max_length=64, required=False)
    license_clause = serializers.IntegerField(min_value=1, required=False)

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

        def validate_actions(self, actions):
            if len(actions) != len(set(actions)):
                raise serializers.ValidationError("Name each action once.")
            return actions

    class OutputSerializer(serializers.Serializer):
        case = CaseOutputSerializer()
        decision = DecisionOutputSerializer()

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def post(self, request, case_id: int):
        data = validated(self.InputSerializer, request.data)
        decision = case_decide(
            case_id=case_id,
            actor=actor_for(request),
            actions=data["actions"],
            ground=Ground(**data["ground"]),
            intent=data["intent"],
            statement=data["statement"],
        )
        decision = (
            Decision.objects.prefetch_related("actions")
            .select_related("decided_by", "policy_section")
            .get(pk=decision.pk)
        )
        return Response(
            {
                "case": CaseOutputSerializer(case_get(case_id=case_id)).data,
                "decision": DecisionOutputSerializer(decision).data,
            }
        )


class EnforcementActionListApi(APIView):
    permission_classes = [require_perm("moderation.view_enforcementaction")]

    @extend_schema(
        parameters=[OpenApiParameter("state", str, enum=EnforcementAction.State.values)],
        responses=ActionOutputSerializer(many=True),
    )
    def get(self, request):
        state = request.query_params.get("state") or None
        if state and state not in EnforcementAction.State.values:
            raise serializers.ValidationError({"state": [f"Use one of: {', '.join(EnforcementAction.State.values)}."]})
        return Response(ActionOutputSerializer(enforcement_actions(state=state)[:500], many=True).data)


class EnforcementActionRetryApi(APIView):
    permission_classes = [require_perm("moderation.retry_enforcement")]

    @extend_schema(request=None, responses=ActionOutputSerializer)
    def post(self, request, action_id: int):
        if not EnforcementAction.objects.filter(pk=action_id).exists():
            raise Http404
        action = enforcement_retry(action_id=action_id, actor=actor_for(request))
        return Response(ActionOutputSerializer(action).data)


class AppealOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Appeal
        fields = [
            "id",
            "decision",
            "kind",
            "appellant",
            "state",
            "statement",
            "outcome_statement",
            "decided_at",
            "created_at",
        ]


class AppealCreateApi(APIView):
    """Filed by the uploader (hub key with on_behalf_of, or the notice's token) or, against a
    dismissal, by the reporter (report id and receipt)."""

    class InputSerializer(serializers.Serializer):
        decision = serializers.IntegerField(min_value=1)
        statement = serializers.CharField(max_length=20_000)
        kind = serializers.ChoiceField(choices=Appeal.Kind.choices, default=Appeal.Kind.APPEAL)
        on_behalf_of = serializers.RegexField(rf"^{HANDLE_PATTERN}$", required=False)
        token = serializers.CharField(required=False, max_length=500, help_text="The token of the notice link.")
        report = serializers.IntegerField(required=False, min_value=1)
        receipt = serializers.CharField(required=False, max_length=200)

    @extend_schema(request=InputSerializer, responses={201: AppealOutputSerializer})
    def post(self, request):
        data = validated(self.InputSerializer, request.data)
        decision = (
            Decision.objects.select_related("case__repository__owner", "case__account")
            .filter(pk=data["decision"])
            .first()
        )
        if decision is None:
            raise serializers.ValidationError({"decision": ["No decision has this id."]})
        appellant, actor, report_id = _appellant(request, data, decision)
        appeal = appeal_submit(
            actor=actor,
            decision_id=decision.pk,
            appellant=appellant,
            statement=data["statement"],
            kind=data["kind"],
            report_id=report_id,
        )
        return Response(AppealOutputSerializer(appeal).data, status=status.HTTP_201_CREATED)


def _appellant(request, data: dict, decision: Decision) -> tuple[str, Actor, int | None]:
    uploader = decision.case.uploader
    if "report" in data:
        digest = receipt_digest(data.get("receipt", ""))
        report = decision.case.reports.filter(pk=data["report"]).first()
        if report is None or not constant_time_compare(report.receipt_digest, digest):
            raise Forbidden("The report id and receipt do not match a report on this decision.")
        return Appeal.Appellant.REPORTER, Actor.reporter(), report.pk
    if "token" in data:
        noticed = decision_for_notice_token(data["token"])
        if noticed is None or noticed.pk != decision.pk:
            raise Forbidden("This notice token is not for this decision.")
        return Appeal.Appellant.UPLOADER, Actor.uploader(uploader.handle), None
    if isinstance(request.user, HubPrincipal):
        if data.get("on_behalf_of") != uploader.handle:
            raise Forbidden("A hub may appeal only on behalf of the affected uploader (on_behalf_of).")
        return Appeal.Appellant.UPLOADER, Actor.uploader(uploader.handle), None
    raise Forbidden("Identify yourself: the notice token, a report id with its receipt, or a hub key.")


class AppealDecideApi(APIView):
    permission_classes = [require_perm("moderation.review_appeal")]

    class InputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(choices=[Appeal.State.UPHELD, Appeal.State.OVERTURNED])
        statement = serializers.CharField(max_length=20_000)

    @extend_schema(request=InputSerializer, responses=AppealOutputSerializer)
    def post(self, request, appeal_id: int):
        data = validated(self.InputSerializer, request.data)
        if not Appeal.objects.filter(pk=appeal_id).exists():
            raise Http404
        appeal = appeal_decide(
            appeal_id=appeal_id, actor=actor_for(request), outcome=data["outcome"], statement=data["statement"]
        )
        return Response(AppealOutputSerializer(appeal).data)
