from django.contrib import admin
from rest_framework_api_key.admin import APIKeyModelAdmin

from hubmod.staff.models import StaffToken


@admin.register(StaffToken)
class StaffTokenAdmin(APIKeyModelAdmin):
    # The library infers its own six names as the attribute's type; Django takes any sequence of names.
    list_display = [*APIKeyModelAdmin.list_display, "user"]  # type: ignore[assignment]
