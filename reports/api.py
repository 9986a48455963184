"""The report intake API of API.md."""

import re

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.api import REPO_ID_PATTERN
from hub.models import HANDLE_PATTERN
from hubmod.api import validated
from hubmod.auth import HubPrincipal, actor_for
from reports.categories import CATEGORIES
from reports.models import Report
from reports.notices import status_url
from reports.selectors import report_status, report_with_receipt
from reports.services import Reporter, Subject, report_file


class ReportCategoriesApi(APIView):
    authentication_classes: list = []

    @extend_schema(
        responses=inline_serializer(
            "ReportCategory",
            {
                "key": serializers.CharField(),
                "label": serializers.CharField(),
                "description": serializers.CharField(),
                "subject_types": serializers.ListField(child=serializers.CharField()),
                "reporter_identity": serializers.CharField(),
                "fields": serializers.ListField(child=serializers.DictField()),
            },
            many=True,
        )
    )
    def get(self, request):
        return Response(
            [
                {
                    "key": c.key,
                    "label": c.label,
                    "description": c.description,
                    "subject_types": list(c.subject_types),
                    "reporter_identity": c.reporter_identity,
                    "fields": [
                        {
                            "name": f.name,
                            "type": f.type,
                            "required": f.required or f.must_be_true,
                            "help": f.help,
                            **({"choices": [value for value, _ in f.choices]} if f.choices else {}),
                            **({"statement": f.statement} if f.statement else {}),
                            **({"choices_url": "/api/v1/licenses"} if f.type.startswith("license") else {}),
                        }
                        for f in c.fields
                    ],
                }
                for c in CATEGORIES.values()
            ]
        )


class SubjectSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["repository", "account"])
    id = serializers.CharField(max_length=200)
    revision = serializers.RegexField(
        r"^[0-9a-f]{7,64}$",
        required=False,
        error_messages={"invalid": "Use a commit sha: 7 to 64 lowercase hex digits."},
    )

    def validate(self, attrs):
        pattern = REPO_ID_PATTERN if attrs["type"] == "repository" else rf"^{HANDLE_PATTERN}$"
        if not re.match(pattern, attrs["id"]):
            example = "owner/name" if attrs["type"] == "repository" else "the account's handle"
            raise serializers.ValidationError({"id": [f"Use {example}."]})
        return attrs


class ReporterSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)


class ReportCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        subject = SubjectSerializer()
        category = serializers.ChoiceField(choices=list(CATEGORIES))
        details = serializers.DictField(help_text="The category's fields; see GET /api/v1/report-categories.")
        reporter = ReporterSerializer(required=False)
        on_behalf_of = serializers.RegexField(rf"^{HANDLE_PATTERN}$", required=False, help_text="Hub keys only.")

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        receipt = serializers.CharField()
        status_url = serializers.URLField()
        case_id = serializers.IntegerField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request):
        data = validated(self.InputSerializer, request.data)
        is_hub = isinstance(request.user, HubPrincipal)
        if "on_behalf_of" in data and not is_hub:
            raise serializers.ValidationError(
                {"on_behalf_of": ["Only a hub integration key may report on behalf of a user."]}
            )
        reporter = data.get("reporter", {})
        report, receipt = report_file(
            actor=actor_for(request),
            subject=Subject(data["subject"]["type"], data["subject"]["id"], data["subject"].get("revision", "")),
            category=data["category"],
            details=data["details"],
            reporter=Reporter(name=reporter.get("name", ""), email=reporter.get("email", "")),
            source=Report.Source.HUB if is_hub else Report.Source.API,
            on_behalf_of=data.get("on_behalf_of", ""),
        )
        body = {
            "id": report.pk,
            "receipt": receipt,
            "status_url": status_url(report, receipt),
            "case_id": report.case_id,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class ReportStatusApi(APIView):
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField(source="report.pk")
        status = serializers.ChoiceField(choices=["received", "in_review", "actioned", "dismissed"])
        decided_at = serializers.DateTimeField(required=False)
        outcome = serializers.CharField(required=False)
        decision = serializers.IntegerField(required=False)

    @extend_schema(
        parameters=[OpenApiParameter("receipt", str, required=True, description="The receipt given when filing.")],
        responses=OutputSerializer,
    )
    def get(self, request, report_id: int):
        report = report_with_receipt(report_id=report_id, receipt=request.query_params.get("receipt", ""))
        if report is None:
            raise Http404
        found = report_status(report)
        body = {"id": report.pk, "status": found.status}
        if found.decision is not None:
            body.update(
                decided_at=found.decided_at.isoformat(),
                outcome=found.decision.statement if found.status == "dismissed" else found.decision.ground_label,
                decision=found.decision.pk,
            )
        return Response(body)
