"""The product's routes, plus the floor: a bare DRF endpoint that validates 5 fields and inserts one row."""

from django.db import connection
from django.urls import path
from rest_framework import generics, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from hubmod.urls import urlpatterns as product_urlpatterns

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


class FloorApi(APIView):
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


class FloorOrmApi(generics.CreateAPIView):
    """The same five fields through DRF's own way of inserting a row: a ModelSerializer's save()."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    class InputSerializer(serializers.ModelSerializer):
        revision = serializers.RegexField(r"^[0-9a-f]{7,64}$")

        class Meta:
            from tests.bench.models import FloorRow

            model = FloorRow
            fields = ["id", "subject", "category", "explanation", "email", "revision"]

    serializer_class = InputSerializer


urlpatterns = [
    path("bench/floor", FloorApi.as_view()),
    path("bench/floor-orm", FloorOrmApi.as_view()),
    *product_urlpatterns,
]
