"""The product's routes, plus the floors: a bare DRF endpoint that validates 5 fields and inserts one row
(the issue's), the same with a hand-written INSERT (stricter, for context), a bare Django view, and a
bare DRF read of one case row (the case page's floor, issue 21)."""

from django.db import connection
from django.http import JsonResponse
from django.urls import path
from rest_framework import generics, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from hubmod.urls import urlpatterns as product_urlpatterns
from moderation.models import Case
from tests.bench.models import FloorRow

FLOOR_TABLE = "bench_floor"
FLOOR_TABLE_SQL = f"""
CREATE TABLE IF NOT EXISTS {FLOOR_TABLE} (
    id bigserial PRIMARY KEY,
    subject varchar(200) NOT NULL,
    category varchar(32) NOT NULL,
    explanation text NOT NULL,
    email varchar(254) NOT NULL,
    revision varchar(64) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS bench_floor_subject ON {FLOOR_TABLE} (subject);
CREATE INDEX IF NOT EXISTS bench_floor_created ON {FLOOR_TABLE} (created_at);
"""


class RawFloorApi(APIView):
    """Stricter than the issue's floor: the row goes in by a hand-written INSERT, not through DRF."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    class InputSerializer(serializers.Serializer):
        subject = serializers.CharField(max_length=200)
        category = serializers.CharField(max_length=32)
        explanation = serializers.CharField(max_length=5000)
        email = serializers.EmailField()
        revision = serializers.RegexField(r"^[0-9a-f]{7,64}$")

    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {FLOOR_TABLE} (subject, category, explanation, email, revision) "
                "VALUES (%s, %s, %s, %s, %s) RETURNING id",
                [data["subject"], data["category"], data["explanation"], data["email"], data["revision"]],
            )
            (row_id,) = cursor.fetchone()
        return Response({"id": row_id}, status=201)


class FloorApi(generics.CreateAPIView):
    """The issue's floor: a bare DRF endpoint that validates five fields and inserts one row, the
    way DRF inserts one (a ModelSerializer's save())."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    class InputSerializer(serializers.ModelSerializer):
        revision = serializers.RegexField(r"^[0-9a-f]{7,64}$")

        class Meta:
            model = FloorRow
            fields = ["id", "subject", "category", "explanation", "email", "revision"]

    serializer_class = InputSerializer


class CaseRowApi(generics.RetrieveAPIView):
    """The case page's floor (issue 21): a bare DRF single-row read, one case row by its key through
    a ModelSerializer of all its fields, nobody signed in."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    queryset = Case.objects.all()

    class OutputSerializer(serializers.ModelSerializer):
        class Meta:
            model = Case
            fields = "__all__"

    serializer_class = OutputSerializer


def hello(request):
    """A bare Django JSON view, no database: the ceiling of the HTTP stack."""
    return JsonResponse({"hello": "world"})


urlpatterns = [
    path("bench/hello", hello),
    path("bench/floor", FloorApi.as_view()),
    path("bench/floor-raw", RawFloorApi.as_view()),
    path("bench/case-row/<int:pk>", CaseRowApi.as_view()),
    *product_urlpatterns,
]
