"""Routes of proactive review: its API under /api/v1/, its console and uploader pages."""

from django.urls import path

from review import api, views

api_urlpatterns = [
    path("documentation-checklist", api.DocumentationChecklistApi.as_view(), name="api-documentation-checklist"),
    path("review-criteria", api.ReviewCriteriaApi.as_view(), name="api-review-criteria"),
    path("release-stages", api.ReleaseStagesApi.as_view(), name="api-release-stages"),
    path("reviews", api.ReviewListApi.as_view(), name="api-reviews"),
    path("reviews/<int:review_id>", api.ReviewDetailApi.as_view(), name="api-review"),
    path("reviews/<int:review_id>/claim", api.ReviewClaimApi.as_view(), name="api-review-claim"),
    path("reviews/<int:review_id>/release", api.ReviewReleaseApi.as_view(), name="api-review-release"),
    path("reviews/<int:review_id>/decide", api.ReviewDecideApi.as_view(), name="api-review-decide"),
    path("releases/<str:owner>/<str:name>", api.ReleaseApi.as_view(), name="api-release"),
    path("releases/<str:owner>/<str:name>/start", api.ReleaseStartApi.as_view(), name="api-release-start"),
    path("releases/<str:owner>/<str:name>/advance", api.ReleaseAdvanceApi.as_view(), name="api-release-advance"),
]

urlpatterns = [
    path("console/reviews/", views.reviews, name="console-reviews"),
    path("console/reviews/<int:review_id>/", views.review_page, name="console-review"),
    path("console/reviews/<int:review_id>/claim", views.review_claim_view, name="console-review-claim"),
    path("console/reviews/<int:review_id>/release/<slug:move>", views.release_move_view, name="console-release-move"),
    path("reviews/<str:token>/", views.review_notice, name="review-notice"),
]
