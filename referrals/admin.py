from django.contrib import admin

from hubmod.admin import ReadOnlyAdmin
from referrals.models import PreservationHold, Referral


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ["id", "case", "authority", "referred_at", "reference", "created_by"]
    list_filter = ["authority"]
    exclude = ["preserved"]


@admin.register(PreservationHold)
class PreservationHoldAdmin(ReadOnlyAdmin):
    list_display = ["id", "case", "state", "referral", "placed_by", "released_at"]
    list_filter = ["state"]
