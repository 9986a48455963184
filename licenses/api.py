"""The license catalogue API: anyone reads, hub admins write, staff read the history."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from hubmod.api import require_perm, validated
from hubmod.auth import actor_for
from hubmod.categories import CATEGORY_KEYS
from licenses.models import LICENSE_KEY_PATTERN, License, LicenseClause
from licenses.selectors import license_get, license_history, license_list
from licenses.services import clause_create, clause_update, license_create, license_update


class ClauseOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = LicenseClause
        fields = ["id", "ref", "summary", "actionable", "categories", "source_url"]


class LicenseOutputSerializer(serializers.ModelSerializer):
    clauses = ClauseOutputSerializer(many=True)

    class Meta:
        model = License
        fields = ["key", "spdx_id", "name", "url", "version", "actionable", "rationale", "contact", "clauses"]


class LicenseFieldsSerializer(serializers.Serializer):
    spdx_id = serializers.CharField(max_length=64, required=False, allow_blank=True)
    name = serializers.CharField(max_length=200, required=False)
    url = serializers.URLField(required=False, allow_blank=True)
    version = serializers.CharField(max_length=32, required=False, allow_blank=True)
    actionable = serializers.BooleanField(required=False)
    rationale = serializers.CharField(max_length=5000, required=False)
    contact = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ClauseFieldsSerializer(serializers.Serializer):
    ref = serializers.CharField(max_length=64, required=False)
    summary = serializers.CharField(max_length=2000, required=False)
    actionable = serializers.BooleanField(required=False)
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=CATEGORY_KEYS), required=False, max_length=len(CATEGORY_KEYS)
    )
    source_url = serializers.URLField(required=False, allow_blank=True)


def _license_or_404(key: str) -> License:
    found = license_get(key=key)
    if found is None:
        raise Http404
    return found


class LicenseListApi(APIView):
    def get_permissions(self):
        return [require_perm("licenses.add_license")()] if self.request.method == "POST" else []

    class InputSerializer(LicenseFieldsSerializer):
        key = serializers.RegexField(
            LICENSE_KEY_PATTERN, max_length=64, error_messages={"invalid": "Use the hub's key."}
        )
        name = serializers.CharField(max_length=200)
        rationale = serializers.CharField(max_length=5000)

    @extend_schema(responses=LicenseOutputSerializer(many=True))
    def get(self, request):
        return Response(LicenseOutputSerializer(license_list(), many=True).data)

    @extend_schema(request=InputSerializer, responses={201: LicenseOutputSerializer})
    def post(self, request):
        data = validated(self.InputSerializer, request.data)
        created = license_create(actor=actor_for(request), **data)
        return Response(LicenseOutputSerializer(license_get(key=created.key)).data, status=status.HTTP_201_CREATED)


class LicenseDetailApi(APIView):
    def get_permissions(self):
        return [require_perm("licenses.change_license")()] if self.request.method == "PATCH" else []

    @extend_schema(responses=LicenseOutputSerializer)
    def get(self, request, key: str):
        return Response(LicenseOutputSerializer(_license_or_404(key)).data)

    @extend_schema(request=LicenseFieldsSerializer, responses=LicenseOutputSerializer)
    def patch(self, request, key: str):
        license_ = _license_or_404(key)
        license_update(
            actor=actor_for(request), license_id=license_.pk, **validated(LicenseFieldsSerializer, request.data)
        )
        return Response(LicenseOutputSerializer(license_get(key=key)).data)


class ClauseCreateApi(APIView):
    permission_classes = [require_perm("licenses.add_licenseclause")]

    class InputSerializer(ClauseFieldsSerializer):
        ref = serializers.CharField(max_length=64)
        summary = serializers.CharField(max_length=2000)

    @extend_schema(request=InputSerializer, responses={201: ClauseOutputSerializer})
    def post(self, request, key: str):
        license_ = _license_or_404(key)
        clause = clause_create(
            actor=actor_for(request), license_id=license_.pk, **validated(self.InputSerializer, request.data)
        )
        return Response(ClauseOutputSerializer(clause).data, status=status.HTTP_201_CREATED)


class ClauseUpdateApi(APIView):
    permission_classes = [require_perm("licenses.change_licenseclause")]

    @extend_schema(request=ClauseFieldsSerializer, responses=ClauseOutputSerializer)
    def patch(self, request, key: str, clause_id: int):
        clause = clause_update(
            actor=actor_for(request),
            license_key=key,
            clause_id=clause_id,
            **validated(ClauseFieldsSerializer, request.data),
        )
        return Response(ClauseOutputSerializer(clause).data)


class LicenseHistoryApi(APIView):
    permission_classes = [require_perm("licenses.view_license")]

    class OutputSerializer(serializers.Serializer):
        at = serializers.DateTimeField()
        by = serializers.CharField(allow_null=True)
        object = serializers.CharField()
        kind = serializers.ChoiceField(choices=["created", "changed", "deleted"])
        # DRF's metaclass takes declared fields off the class, so this does not replace Serializer.fields.
        fields = serializers.ListField(child=serializers.DictField())  # type: ignore[assignment]

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request, key: str):
        return Response(self.OutputSerializer(license_history(license_=_license_or_404(key)), many=True).data)
