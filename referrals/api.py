"""The legal API: the restricted queue, referrals and their packets, preservation holds."""

from __future__ import annotations

import tempfile

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from hubmod.api import id_field, require_perm, validated
from hubmod.auth import actor_for
from hubmod.schema import error
from moderation.api.serializers import CaseOutputSerializer
from moderation.restriction import RESTRICTED_PERM
from referrals.models import PreservationHold, Referral
from referrals.selectors import hold_list, legal_queue, referral_get, referral_list
from referrals.services import hold_place, hold_release, referral_create, referral_packet_export


class HoldOutputSerializer(serializers.ModelSerializer):
    placed_by = serializers.CharField(source="placed_by.username")
    released_by = serializers.CharField(source="released_by.username", default=None, allow_null=True)
    placed_at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = PreservationHold
        fields = [
            "id", "case", "referral", "state", "reason", "placed_by", "placed_at", "released_by", "released_at",
            "release_reason",
        ]  # fmt: skip


class ReferralOutputSerializer(serializers.ModelSerializer):
    authority_label = serializers.CharField()
    created_by = serializers.CharField(source="created_by.username")
    preserved = serializers.JSONField()
    holds = HoldOutputSerializer(source="preservation_holds", many=True)

    class Meta:
        model = Referral
        fields = [
            "id", "case", "authority", "authority_name", "authority_label", "referred_at", "reference", "notes",
            "preserved", "created_by", "created_at", "holds",
        ]  # fmt: skip


class LegalQueueCaseSerializer(CaseOutputSerializer):
    referral_count = serializers.IntegerField()
    on_hold = serializers.BooleanField()

    class Meta(CaseOutputSerializer.Meta):
        fields = [*CaseOutputSerializer.Meta.fields, "referral_count", "on_hold"]


class LegalQueueApi(APIView):
    """Restricted cases (child safety, escalated to legal): legal's queue, legal only."""

    permission_classes = [require_perm(RESTRICTED_PERM)]

    class FilterSerializer(serializers.Serializer):
        include_closed = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        operation_id="referrals_queue",
        parameters=[FilterSerializer],
        responses={200: LegalQueueCaseSerializer(many=True), **error(400)},
    )
    def get(self, request):
        query = validated(self.FilterSerializer, request.query_params.dict())
        cases = legal_queue(include_closed=query["include_closed"])[:500]
        return Response(LegalQueueCaseSerializer(cases, many=True).data)


class ReferralsApi(APIView):
    """GET: referrals (legal; hub admins see that they exist). POST: record one (legal)."""

    permission_classes = [require_perm("referrals.view_referral")]

    class FilterSerializer(serializers.Serializer):
        case = id_field(required=False)

    class InputSerializer(serializers.Serializer):
        case = id_field()
        authority = serializers.ChoiceField(choices=Referral.Authority.choices)
        authority_name = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
        referred_at = serializers.DateField()
        reference = serializers.CharField(max_length=200)
        notes = serializers.CharField(max_length=20_000, required=False, default="", allow_blank=True)

    @extend_schema(
        operation_id="referrals_list",
        parameters=[FilterSerializer],
        responses={200: ReferralOutputSerializer(many=True), **error(400)},
    )
    def get(self, request):
        query = validated(self.FilterSerializer, request.query_params.dict())
        referrals = referral_list(case_id=query.get("case")).prefetch_related("preservation_holds")[:500]
        return Response(ReferralOutputSerializer(referrals, many=True).data)

    @extend_schema(operation_id="referrals_create", request=InputSerializer, responses={201: ReferralOutputSerializer})
    def post(self, request):
        data = validated(self.InputSerializer, request.data)
        referral = referral_create(
            actor=actor_for(request),
            case_id=data.pop("case"),
            **data,
        )
        body = ReferralOutputSerializer(referral_get(referral_id=referral.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


class ReferralDetailApi(APIView):
    permission_classes = [require_perm("referrals.view_referral")]

    @extend_schema(responses=ReferralOutputSerializer)
    def get(self, request, referral_id: int):
        referral = referral_get(referral_id=referral_id)
        if referral is None:
            raise Http404
        return Response(ReferralOutputSerializer(referral).data)


class ReferralPacketApi(APIView):
    """The referral packet (docs/referral-packet.md): a ZIP of manifest.json, SHA256SUMS and the
    evidence files. Legal only; every export is audited."""

    permission_classes = [require_perm("referrals.export_referral_packet")]

    @extend_schema(
        operation_id="referrals_packet",
        parameters=[
            OpenApiParameter(
                "include_reporter_contact",
                bool,
                required=False,
                description="Add reporters' names and e-mail addresses (left out by default).",
            )
        ],
        responses={
            (200, "application/zip"): OpenApiTypes.BINARY,
            **error(403, "Only legal exports referral packets."),
            **error(404, "No referral has this id."),
        },
    )
    def get(self, request, referral_id: int):
        include_contact = request.query_params.get("include_reporter_contact", "").lower() in ("1", "true", "yes")
        # Evidence may be large: the packet is spooled to a temporary file, not built in memory.
        out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        try:
            info = referral_packet_export(
                actor=actor_for(request), referral_id=referral_id, out=out, include_reporter_contact=include_contact
            )
        except BaseException:
            out.close()
            raise
        out.seek(0)
        response = FileResponse(out, as_attachment=True, filename=info.filename, content_type="application/zip")
        response["X-Manifest-SHA256"] = info.manifest_sha256
        return response


class HoldsApi(APIView):
    """GET: preservation holds (legal; hub admins see them). POST: place one by hand (legal)."""

    permission_classes = [require_perm("referrals.view_preservationhold")]

    class FilterSerializer(serializers.Serializer):
        case = id_field(required=False)
        active = serializers.BooleanField(required=False, allow_null=True, default=None)

    class InputSerializer(serializers.Serializer):
        case = id_field()
        reason = serializers.CharField(max_length=5000)

    @extend_schema(
        operation_id="preservation_holds_list",
        parameters=[FilterSerializer],
        responses={200: HoldOutputSerializer(many=True), **error(400)},
    )
    def get(self, request):
        query = validated(self.FilterSerializer, request.query_params.dict())
        holds = hold_list(case_id=query.get("case"), active=query.get("active"))[:500]
        return Response(HoldOutputSerializer(holds, many=True).data)

    @extend_schema(
        operation_id="preservation_holds_create", request=InputSerializer, responses={201: HoldOutputSerializer}
    )
    def post(self, request):
        data = validated(self.InputSerializer, request.data)
        hold = hold_place(actor=actor_for(request), case_id=data["case"], reason=data["reason"])
        return Response(HoldOutputSerializer(hold).data, status=status.HTTP_201_CREATED)


class HoldReleaseApi(APIView):
    permission_classes = [require_perm("referrals.change_preservationhold")]

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=5000)

    @extend_schema(
        request=InputSerializer, responses={200: HoldOutputSerializer, **error(409, "The hold is released already.")}
    )
    def post(self, request, hold_id: int):
        data = validated(self.InputSerializer, request.data)
        hold = hold_release(actor=actor_for(request), hold_id=hold_id, reason=data["reason"])
        return Response(HoldOutputSerializer(hold).data)
