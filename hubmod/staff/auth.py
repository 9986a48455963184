"""A staff member's personal token as a Bearer key."""

from rest_framework import exceptions

from hubmod.auth import PrefixedKeyAuthentication
from hubmod.staff.models import StaffToken


class StaffTokenAuthentication(PrefixedKeyAuthentication):
    model = StaffToken

    def principal(self, key: StaffToken):
        if not key.user.is_active:
            raise exceptions.AuthenticationFailed("This account is disabled.")
        return key.user
