from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from licenses.models import License, LicenseClause
from licenses.selectors import license_list


class ClauseOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = LicenseClause
        fields = ["id", "ref", "summary", "actionable"]


class LicenseOutputSerializer(serializers.ModelSerializer):
    clauses = ClauseOutputSerializer(many=True)

    class Meta:
        model = License
        fields = ["key", "spdx_id", "name", "url", "version", "actionable", "rationale", "clauses"]


class LicenseListApi(APIView):
    authentication_classes: list = []

    @extend_schema(responses=LicenseOutputSerializer(many=True))
    def get(self, request):
        return Response(LicenseOutputSerializer(license_list(), many=True).data)


class LicenseDetailApi(APIView):
    authentication_classes: list = []

    @extend_schema(responses=LicenseOutputSerializer)
    def get(self, request, key: str):
        found = license_list().filter(key=key).first()
        if found is None:
            raise Http404
        return Response(LicenseOutputSerializer(found).data)
