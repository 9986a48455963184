"""Public transparency endpoints: the summary of a period and its statements of reasons."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from hubmod.api import validated
from hubmod.schema import error
from moderation.transparency.statements import statements_between
from moderation.transparency.summary import EARLIEST, LATEST, transparency_summary

MAX_PERIOD_DAYS = 3 * 366


class PeriodSerializer(serializers.Serializer):
    # `from` is a keyword in Python, so the fields are renamed on the way in.
    start = serializers.DateField(required=False, source="from")
    end = serializers.DateField(required=False, source="to")

    def to_internal_value(self, data):
        return super().to_internal_value({"start": data.get("from"), "end": data.get("to")} if data else {})

    def validate(self, attrs):
        end = attrs.get("to") or timezone.now().date()
        start = attrs.get("from") or end - timedelta(days=29)
        for name, day in (("from", start), ("to", end)):
            if not EARLIEST <= day <= LATEST:
                raise serializers.ValidationError({name: [f"Give a date from {EARLIEST} to {LATEST}."]})
        if start > end:
            raise serializers.ValidationError({"from": ["The period starts after it ends."]})
        if (end - start).days > MAX_PERIOD_DAYS:
            raise serializers.ValidationError({"from": [f"Ask for at most {MAX_PERIOD_DAYS} days at a time."]})
        return {"start": start, "end": end}


def _period(request) -> tuple[date, date]:
    params = {k: v for k, v in request.query_params.items() if k in ("from", "to") and v}
    period = validated(PeriodSerializer, params)
    return period["start"], period["end"]


PERIOD_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="YYYY-MM-DD, default 30 days before `to`"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="YYYY-MM-DD, default today"),
]


class TransparencySummaryApi(APIView):
    authentication_classes: list = []

    @extend_schema(parameters=PERIOD_PARAMETERS, responses={200: dict, **error(400)})
    def get(self, request):
        start, end = _period(request)
        return Response(transparency_summary(start=start, end=end))


class StatementsOfReasonsApi(APIView):
    authentication_classes: list = []

    @extend_schema(
        parameters=PERIOD_PARAMETERS,
        responses={
            200: OpenApiResponse(
                {"type": "array", "items": {"type": "object", "additionalProperties": {}}},
                description="One statement of reasons per decision, in the fields of the DSA Transparency "
                "Database's statement-of-reasons API.",
            ),
            **error(400),
        },
    )
    def get(self, request):
        start, end = _period(request)
        return Response(list(statements_between(start=start, end=end)))
