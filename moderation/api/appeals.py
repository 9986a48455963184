"""Appeals: filed by the affected uploader or, against a dismissal, the reporter; decided by
a reviewer who took no part in the decision."""

from __future__ import annotations

from django.http import Http404
from django.utils.crypto import constant_time_compare
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.models import HANDLE_PATTERN
from hubmod.actors import Actor
from hubmod.api import id_field, require_perm, validated
from hubmod.auth import HubPrincipal, actor_for
from hubmod.errors import Forbidden
from hubmod.idempotency.api import KEY_PARAMETER as IDEMPOTENCY_KEY
from hubmod.idempotency.api import idempotent
from hubmod.receipts import receipt_digest
from hubmod.schema import error, errors
from moderation.api.serializers import AppealOutputSerializer
from moderation.models import Appeal, Decision, EnforcementAction
from moderation.selectors import APPEAL_CURSOR_PATTERN, appeal_queue_page, decision_for_notice_token
from moderation.services.appeals import (
    OPEN_APPEAL_STATES,
    appeal_decide,
    appeal_submit,
    counter_notice_court_action,
)


class CounterNoticeSerializer(serializers.Serializer):
    """The elements of a DMCA counter-notice, 17 U.S.C. 512(g)(3)."""

    name = serializers.CharField(max_length=200)
    address = serializers.CharField(max_length=1000)
    phone = serializers.CharField(max_length=50)
    removed_material = serializers.CharField(
        max_length=5000, help_text="What was removed or disabled, and where it appeared before."
    )
    statement_of_mistake = serializers.BooleanField(
        help_text="Under penalty of perjury: a good faith belief that it was removed by mistake or misidentification."
    )
    consent_to_jurisdiction = serializers.BooleanField(
        help_text="Consent to the jurisdiction of the Federal District Court for your address (or, outside the "
        "US, any district where the hub may be found), and to accept service of process from the notifier."
    )
    signature = serializers.CharField(max_length=200, help_text="Your full legal name, as an electronic signature.")

    def validate(self, attrs):
        missing = {
            name: ["This statement is required: set it to true."]
            for name in ("statement_of_mistake", "consent_to_jurisdiction")
            if attrs.get(name) is not True
        }
        if missing:
            raise serializers.ValidationError(missing)
        return attrs


class AppealQueueFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=Appeal.State.choices, required=False, help_text="Default: the open ones (submitted, in_review)."
    )
    cursor = serializers.RegexField(
        APPEAL_CURSOR_PATTERN,
        required=False,
        error_messages={"invalid": "This cursor is malformed; use the 'next' value as given."},
    )


class AppealCreateApi(APIView):
    """POST: filed by the uploader (hub key with on_behalf_of, or the notice's token) or, against a
    dismissal, by the reporter (report id and receipt). GET: the appeal reviewers' queue, the
    earliest due first."""

    def get_permissions(self):
        return [require_perm("moderation.review_appeal")()] if self.request.method == "GET" else []

    class QueueSerializer(serializers.Serializer):
        results = AppealOutputSerializer(many=True)
        next = serializers.CharField(allow_null=True)

    @extend_schema(
        operation_id="appeals_list",
        parameters=[AppealQueueFilterSerializer],
        responses={200: QueueSerializer, **errors(400, 403)},
    )
    def get(self, request):
        query = validated(AppealQueueFilterSerializer, request.query_params.dict())
        states = (query["state"],) if "state" in query else OPEN_APPEAL_STATES
        try:
            page, next_cursor = appeal_queue_page(states=states, cursor=query.get("cursor"))
        except OverflowError as exc:
            raise serializers.ValidationError({"cursor": ["This cursor is out of range."]}) from exc
        return Response({"results": AppealOutputSerializer(page, many=True).data, "next": next_cursor})

    class InputSerializer(serializers.Serializer):
        decision = id_field()
        statement = serializers.CharField(max_length=20_000)
        kind = serializers.ChoiceField(choices=Appeal.Kind.choices, default=Appeal.Kind.APPEAL)
        on_behalf_of = serializers.RegexField(rf"^{HANDLE_PATTERN}$", required=False)
        token = serializers.CharField(required=False, max_length=500, help_text="The token of the notice link.")
        report = id_field(required=False)
        receipt = serializers.CharField(required=False, max_length=200)
        counter_notice = CounterNoticeSerializer(required=False, help_text="Required when kind is counter_notice.")

        def validate(self, attrs):
            if attrs["kind"] == Appeal.Kind.COUNTER_NOTICE and "counter_notice" not in attrs:
                raise serializers.ValidationError({"counter_notice": ["A counter-notice needs its legal elements."]})
            return attrs

    @extend_schema(
        request=InputSerializer,
        responses={
            201: AppealOutputSerializer,
            **error(403, "The caller is not the affected uploader, nor the reporter of a dismissed report."),
            **error(409, "An appeal against this decision is already open."),
            **error(422, "This Idempotency-Key was used with a different body; nothing was filed."),
        },
        parameters=[IDEMPOTENCY_KEY],
    )
    @idempotent("appeals")
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
            counter_notice=data.get("counter_notice"),
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
        outcome = serializers.ChoiceField(choices=[Appeal.State.UPHELD, Appeal.State.OVERTURNED, Appeal.State.MODIFIED])
        statement = serializers.CharField(max_length=20_000)
        actions = serializers.ListField(
            child=serializers.ChoiceField(choices=EnforcementAction.Kind.choices),
            required=False,
            max_length=8,
            help_text="With 'modified': the actions that replace the decision's own.",
        )

    @extend_schema(request=InputSerializer, responses={200: AppealOutputSerializer, **error(409)})
    def post(self, request, appeal_id: int):
        data = validated(self.InputSerializer, request.data)
        appeal = appeal_decide(
            appeal_id=appeal_id,
            actor=actor_for(request),
            outcome=data["outcome"],
            statement=data["statement"],
            actions=data.get("actions"),
        )
        return Response(AppealOutputSerializer(appeal).data)


class CourtActionApi(APIView):
    """The notifier reports a filed court action, so the material is not restored."""

    class InputSerializer(serializers.Serializer):
        report = id_field()
        receipt = serializers.CharField(max_length=200)

    @extend_schema(request=InputSerializer, responses={200: AppealOutputSerializer, **errors(403, 409)})
    def post(self, request, appeal_id: int):
        data = validated(self.InputSerializer, request.data)
        appeal = Appeal.objects.select_related("decision__case").filter(pk=appeal_id).first()
        if appeal is None:
            raise Http404
        report = appeal.decision.case.reports.filter(pk=data["report"]).first()
        if report is None or not constant_time_compare(report.receipt_digest, receipt_digest(data["receipt"])):
            raise Forbidden("The report id and receipt do not match a notice this counter-notice answers.")
        appeal = counter_notice_court_action(appeal_id=appeal_id, actor=Actor.reporter())
        return Response(AppealOutputSerializer(appeal).data)
