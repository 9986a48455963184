from django.contrib import admin
from rest_framework_api_key.admin import APIKeyModelAdmin

from hubmod.staff.models import StaffToken


@admin.register(StaffToken)
class StaffTokenAdmin(APIKeyModelAdmin):
    list_display = [*APIKeyModelAdmin.list_display, "user"]
