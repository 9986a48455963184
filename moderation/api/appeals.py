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
from hubmod.api import require_perm, validated
from hubmod.auth import HubPrincipal, actor_for
from hubmod.errors import Forbidden
from hubmod.receipts import receipt_digest
from moderation.api.serializers import AppealOutputSerializer
from moderation.models import Appeal, Decision
from moderation.selectors import decision_for_notice_token
from moderation.services.appeals import appeal_decide, appeal_submit


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
