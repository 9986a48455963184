"""The HTTP API of proactive review: the public checklist, criteria and stages; the review queue;
staged releases for the hub and staff."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.models import Repository
from hub.selectors import repository_get
from hubmod.api import IsHub, require_perm, validated
from hubmod.auth import actor_for
from hubmod.schema import ErrorDetailSerializer, error
from review.models import ChecklistItem, ReleaseStage, Review, ReviewCriterion
from review.selectors import (
    ReviewQueueFilters,
    card_assessment_latest,
    checklist_items,
    release_overview,
    release_stages,
    review_criteria,
    review_get,
    review_queue_page,
)
from review.services.releases import GateClosed, release_advance, release_start
from review.services.reviews import review_claim, review_decide, review_release

PAGE_SIZE = 50
CURSOR_PATTERN = r"^\d{1,20}\.\d{1,20}$"


class ChecklistItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = ["key", "label", "description", "required", "kinds", "headings", "min_words", "front_matter_key"]


class DocumentationChecklistApi(APIView):
    """The public documentation checklist every model card is scored against."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=ChecklistItemSerializer(many=True))
    def get(self, request):
        return Response(ChecklistItemSerializer(checklist_items(), many=True).data)


class ReviewCriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewCriterion
        fields = [
            "name",
            "description",
            "kinds",
            "capability_tags",
            "min_total_size_bytes",
            "uploader_standings",
            "when_hub_requests",
            "on_new_revision",
            "sla_hours",
        ]


class ReviewCriteriaApi(APIView):
    """The public criteria that hold a repository for review before the hub may list it."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=ReviewCriterionSerializer(many=True))
    def get(self, request):
        return Response(ReviewCriterionSerializer(review_criteria(), many=True).data)


class ReleaseStageSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReleaseStage
        fields = ["key", "label", "description", "position", "requires_review", "requires_documentation"]
        fields += ["blocks_on_severe_case"]


class ReleaseStagesApi(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=ReleaseStageSerializer(many=True))
    def get(self, request):
        return Response(ReleaseStageSerializer(release_stages(), many=True).data)


class ReviewOutputSerializer(serializers.ModelSerializer):
    repository = serializers.CharField(source="repository.full_name")
    criteria = serializers.SlugRelatedField[ReviewCriterion](slug_field="name", many=True, read_only=True)
    assignee = serializers.CharField(source="assignee.username", allow_null=True, default=None)
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True, default=None)

    class Meta:
        model = Review
        fields = [
            "id",
            "repository",
            "kind",
            "revision",
            "state",
            "criteria",
            "missing_items",
            "due_at",
            "assignee",
            "decided_by",
            "decided_at",
            "reasons",
            "requested_items",
            "created_at",
        ]


class ReviewDetailOutputSerializer(ReviewOutputSerializer):
    card = serializers.CharField(source="repository.card")
    card_items = serializers.SerializerMethodField()

    class Meta(ReviewOutputSerializer.Meta):
        fields = [*ReviewOutputSerializer.Meta.fields, "card", "card_items"]

    def get_card_items(self, review: Review) -> dict[str, bool]:
        assessment = card_assessment_latest(review.repository)
        return assessment.items if assessment else {}


class ReviewListApi(APIView):
    """The review queue: open reviews, due first (or decided ones by state)."""

    permission_classes = [require_perm("review.view_review")]

    class FilterSerializer(serializers.Serializer):
        state = serializers.ChoiceField(choices=Review.State.choices, required=False)
        kind = serializers.ChoiceField(choices=Review.Kind.choices, required=False)
        overdue = serializers.BooleanField(required=False, default=False)
        cursor = serializers.RegexField(
            CURSOR_PATTERN, required=False, error_messages={"invalid": "Use the 'next' value as given."}
        )

    class OutputSerializer(serializers.Serializer):
        results = ReviewOutputSerializer(many=True)
        next = serializers.CharField(allow_null=True)

    @extend_schema(
        operation_id="reviews_list", parameters=[FilterSerializer], responses={200: OutputSerializer, **error(400)}
    )
    def get(self, request):
        query = validated(self.FilterSerializer, request.query_params.dict())
        page, next_cursor = review_queue_page(
            filters=ReviewQueueFilters(state=query.get("state"), kind=query.get("kind"), overdue=query["overdue"]),
            cursor=query.get("cursor") or None,
            size=PAGE_SIZE,
        )
        return Response({"results": ReviewOutputSerializer(page, many=True).data, "next": next_cursor})


def _review_or_404(review_id: int) -> Review:
    try:
        return review_get(review_id)
    except Review.DoesNotExist as exc:
        raise Http404 from exc


class ReviewDetailApi(APIView):
    permission_classes = [require_perm("review.view_review")]

    @extend_schema(responses=ReviewDetailOutputSerializer)
    def get(self, request, review_id: int):
        return Response(ReviewDetailOutputSerializer(_review_or_404(review_id)).data)


class ReviewClaimApi(APIView):
    permission_classes = [require_perm("review.decide_review")]

    @extend_schema(request=None, responses={200: ReviewOutputSerializer, **error(409)})
    def post(self, request, review_id: int):
        _review_or_404(review_id)
        review_claim(review_id=review_id, actor=actor_for(request))
        return Response(ReviewOutputSerializer(review_get(review_id)).data)


class ReviewReleaseApi(APIView):
    permission_classes = [require_perm("review.decide_review")]

    @extend_schema(request=None, responses={200: ReviewOutputSerializer, **error(409)})
    def post(self, request, review_id: int):
        _review_or_404(review_id)
        review_release(review_id=review_id, actor=actor_for(request))
        return Response(ReviewOutputSerializer(review_get(review_id)).data)


class ReviewDecideApi(APIView):
    """Approve, request changes (with reasons and the checklist items to add), or, for a
    documentation finding, list with a label. Never a takedown."""

    permission_classes = [require_perm("review.decide_review")]

    class InputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(choices=Review.Outcome.choices)
        reasons = serializers.CharField(max_length=20_000, help_text="Shown to the uploader.")
        requested_items = serializers.ListField(
            child=serializers.SlugField(max_length=64), required=False, max_length=50, default=list
        )

    @extend_schema(request=InputSerializer, responses={200: ReviewOutputSerializer, **error(409)})
    def post(self, request, review_id: int):
        _review_or_404(review_id)
        data = validated(self.InputSerializer, request.data)
        review_decide(review_id=review_id, actor=actor_for(request), **data)
        return Response(ReviewOutputSerializer(review_get(review_id)).data)


class GateSerializer(serializers.Serializer):
    stage = serializers.CharField(source="stage.key")
    open = serializers.BooleanField()
    unmet = serializers.ListField(child=serializers.CharField())


class ReleaseOutputSerializer(serializers.Serializer):
    repository = serializers.CharField()
    stage = serializers.CharField(allow_null=True)
    halted = serializers.BooleanField()
    halt_reason = serializers.CharField(allow_blank=True)
    next_gate = GateSerializer(allow_null=True)


class IsHubOrReleaseStaff(permissions.BasePermission):
    message = "This takes a hub integration key, or a staff token whose role manages staged releases."

    def has_permission(self, request, view) -> bool:
        perm = "review.view_release" if request.method in permissions.SAFE_METHODS else "review.advance_release"
        return IsHub().has_permission(request, view) or require_perm(perm)().has_permission(request, view)


def _repository_or_404(owner: str, name: str) -> Repository:
    repository = repository_get(full_name=f"{owner}/{name}")
    if repository is None:
        raise Http404
    return repository


class ReleaseApi(APIView):
    """A repository's staged release: its stage, whether a case halted it, the next gate."""

    permission_classes = [IsHubOrReleaseStaff]

    @extend_schema(responses=ReleaseOutputSerializer)
    def get(self, request, owner: str, name: str):
        repository = _repository_or_404(owner, name)
        return Response(ReleaseOutputSerializer(release_overview(repository)).data)


class ReleaseStartApi(APIView):
    permission_classes = [IsHubOrReleaseStaff]

    @extend_schema(
        request=None,
        responses={201: ReleaseOutputSerializer, **error(409, "This repository is already under a staged release.")},
    )
    def post(self, request, owner: str, name: str):
        repository = _repository_or_404(owner, name)
        release_start(repository_id=repository.pk, actor=actor_for(request))
        return Response(ReleaseOutputSerializer(release_overview(_repository_or_404(owner, name))).data, status=201)


class GateClosedSerializer(ErrorDetailSerializer):
    unmet = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Every condition the next gate still lacks."
    )


class ReleaseAdvanceApi(APIView):
    """Move to the next stage; 409 with `unmet` listing every condition its gate still lacks."""

    permission_classes = [IsHubOrReleaseStaff]

    class InputSerializer(serializers.Serializer):
        to = serializers.SlugField(max_length=32, required=False, help_text="The next stage's key, as a check.")

    @extend_schema(
        request=InputSerializer,
        responses={
            200: ReleaseOutputSerializer,
            409: OpenApiResponse(
                GateClosedSerializer,
                description="Not under a staged release, already at the last stage, or the gate is closed "
                "(`unmet` lists why).",
            ),
        },
    )
    def post(self, request, owner: str, name: str):
        repository = _repository_or_404(owner, name)
        data = validated(self.InputSerializer, request.data if request.data else {})
        try:
            release_advance(repository_id=repository.pk, actor=actor_for(request), to=data.get("to"))
        except GateClosed as exc:
            return Response({"detail": exc.message, "state": exc.state, "unmet": exc.unmet}, status=409)
        return Response(ReleaseOutputSerializer(release_overview(_repository_or_404(owner, name))).data)
