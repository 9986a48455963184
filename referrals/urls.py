"""Routes of the referrals app, included by hubmod/urls.py: the API under /api/v1/, the console
pages under /console/legal/."""

from django.urls import path

from referrals import api, views

api_urlpatterns = [
    path("referrals", api.ReferralsApi.as_view(), name="api-referrals"),
    path("referrals/queue", api.LegalQueueApi.as_view(), name="api-referrals-queue"),
    path("referrals/<int:referral_id>", api.ReferralDetailApi.as_view(), name="api-referral"),
    path("referrals/<int:referral_id>/packet", api.ReferralPacketApi.as_view(), name="api-referral-packet"),
    path("preservation-holds", api.HoldsApi.as_view(), name="api-preservation-holds"),
    path(
        "preservation-holds/<int:hold_id>/release", api.HoldReleaseApi.as_view(), name="api-preservation-hold-release"
    ),
]

console_urlpatterns = [
    path("", views.queue, name="console-legal"),
    path("referrals/", views.referrals, name="console-referrals"),
    path("referrals/<int:referral_id>/", views.referral_page, name="console-referral"),
    path("referrals/<int:referral_id>/packet", views.referral_packet, name="console-referral-packet"),
    path("cases/<int:case_id>/refer", views.referral_new, name="console-referral-new"),
    path("cases/<int:case_id>/hold", views.hold_new, name="console-hold-new"),
    path("holds/<int:hold_id>/release", views.hold_release_view, name="console-hold-release"),
]
