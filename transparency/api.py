"""Public transparency endpoints: the summary of a period and its statements of reasons."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from django.core import signing
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from hubmod.api import MAX_ID, validated
from hubmod.schema import error
from transparency.statements import PAGE_SIZE, statements_page
from transparency.summary import EARLIEST, LATEST, transparency_summary

MAX_PERIOD_DAYS = 3 * 366
CURSOR_SALT = "transparency.statements-cursor"
BAD_CURSOR = "This cursor is not one this endpoint gave out; use the `next` URL as given, or start without a cursor."


class PeriodSerializer(serializers.Serializer):
    """`from` and `to`, named so in the answer's errors too (`from` is a Python keyword)."""

    longest: int | None = MAX_PERIOD_DAYS

    def get_fields(self):
        return {
            "from": serializers.DateField(required=False, help_text="YYYY-MM-DD, default 30 days before `to`"),
            "to": serializers.DateField(required=False, help_text="YYYY-MM-DD, default today"),
        }

    def validate(self, attrs):
        end = attrs.get("to") or timezone.now().date()
        start = attrs.get("from") or end - timedelta(days=29)
        for name, day in (("from", start), ("to", end)):
            if not EARLIEST <= day <= LATEST:
                raise serializers.ValidationError({name: [f"Give a date from {EARLIEST} to {LATEST}."]})
        if start > end:
            raise serializers.ValidationError({"from": ["The period starts after it ends."]})
        if self.longest is not None and (end - start).days > self.longest:
            raise serializers.ValidationError({"from": [f"Ask for at most {self.longest} days at a time."]})
        return {"start": start, "end": end}


class StatementsQuerySerializer(PeriodSerializer):
    # Pages cost the same however long the period, so any period may be asked for.
    longest = None

    def get_fields(self):
        return super().get_fields() | {
            "cursor": serializers.CharField(required=False, max_length=500, help_text="The `next` URL's cursor."),
            "limit": serializers.IntegerField(
                required=False, min_value=1, max_value=PAGE_SIZE, help_text=f"At most {PAGE_SIZE}, the default."
            ),
        }

    def validate(self, attrs):
        cursor = attrs.get("cursor")
        if cursor is None:
            return super().validate(attrs) | {"after": 0, "limit": attrs.get("limit", PAGE_SIZE)}
        try:
            state = signing.loads(cursor, salt=CURSOR_SALT)
            after, start, end = int(state["a"]), date.fromisoformat(state["f"]), date.fromisoformat(state["t"])
        except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
            raise serializers.ValidationError({"cursor": [BAD_CURSOR]}) from exc
        if not 0 < after <= MAX_ID:
            raise serializers.ValidationError({"cursor": [BAD_CURSOR]})
        for name, day in (("from", start), ("to", end)):
            if attrs.get(name) not in (None, day):
                raise serializers.ValidationError(
                    {name: ["This cursor pages through another period; leave `from` and `to` as `next` has them."]}
                )
        return {"start": start, "end": end, "after": after, "limit": attrs.get("limit", PAGE_SIZE)}


def _query(request, serializer: type[serializers.Serializer], names: tuple[str, ...]) -> dict:
    return validated(serializer, {k: v for k, v in request.query_params.items() if k in names and v})


PERIOD_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="YYYY-MM-DD, default 30 days before `to`"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="YYYY-MM-DD, default today"),
]


class TransparencySummaryApi(APIView):
    authentication_classes: list = []

    @extend_schema(parameters=PERIOD_PARAMETERS, responses={200: dict, **error(400)})
    def get(self, request):
        period = _query(request, PeriodSerializer, ("from", "to"))
        return Response(transparency_summary(start=period["start"], end=period["end"]))


STATEMENT_SCHEMA = {
    "type": "object",
    "description": "A statement of reasons in the fields and values the DSA Transparency Database's "
    "statement API takes today (https://transparency.dsa.ec.europa.eu/page/api-documentation).",
    "properties": {
        "puid": {"type": "string", "pattern": "^[a-zA-Z0-9_-]+$", "maxLength": 500},
        "decision_visibility": {"type": "array", "items": {"type": "string"}},
        "decision_account": {"type": "string"},
        "decision_provision": {"type": "string"},
        "decision_ground": {"type": "string"},
        "category": {"type": "string"},
        "category_specification": {"type": "array", "items": {"type": "string"}},
        "content_type": {"type": "array", "items": {"type": "string"}},
        "content_date": {"type": "string", "format": "date"},
        "application_date": {"type": "string", "format": "date"},
        "territorial_scope": {"type": "array", "items": {"type": "string"}},
        "source_type": {"type": "string"},
        "automated_detection": {"type": "string", "enum": ["Yes", "No"]},
        "automated_decision": {"type": "string"},
        "decision_facts": {"type": "string", "maxLength": 5000},
    },
    "required": ["puid", "decision_ground", "category", "content_type", "content_date", "application_date",
                 "source_type", "automated_detection", "automated_decision", "decision_facts"],
    "additionalProperties": {},
}  # fmt: skip


class StatementsOfReasonsApi(APIView):
    authentication_classes: list = []

    @extend_schema(
        parameters=[
            *PERIOD_PARAMETERS,
            OpenApiParameter(
                "cursor", OpenApiTypes.STR, description="Where the page starts: take it from the last page's `next`."
            ),
            OpenApiParameter("limit", OpenApiTypes.INT, description=f"Statements a page, 1 to {PAGE_SIZE} (default)."),
        ],
        responses={
            200: OpenApiResponse(
                {
                    "type": "object",
                    "properties": {
                        "results": {"type": "array", "items": STATEMENT_SCHEMA},
                        "next": {
                            "type": "string",
                            "format": "uri",
                            "nullable": True,
                            "description": "The next page's URL; null on the last page.",
                        },
                    },
                    "required": ["results", "next"],
                },
                description="One statement of reasons per decision that restricts something, in decision "
                "order, a page at a time; a malformed or foreign cursor is a 400.",
            ),
            **error(400),
        },
    )
    def get(self, request):
        query = _query(request, StatementsQuerySerializer, ("from", "to", "cursor", "limit"))
        page = statements_page(start=query["start"], end=query["end"], after=query["after"], limit=query["limit"])
        following = None
        if page.next_after is not None:
            period = {"from": query["start"].isoformat(), "to": query["end"].isoformat()}
            cursor = signing.dumps({"a": page.next_after, "f": period["from"], "t": period["to"]}, salt=CURSOR_SALT)
            params = period | {"cursor": cursor} | ({"limit": query["limit"]} if query["limit"] != PAGE_SIZE else {})
            following = request.build_absolute_uri(reverse("api-statements-of-reasons") + "?" + urlencode(params))
        return Response({"results": page.statements, "next": following})
