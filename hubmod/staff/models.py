"""A staff member's personal API token."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from rest_framework_api_key.models import AbstractAPIKey, APIKeyManager

from hubmod.keys import PrefixedKeyGenerator


class StaffTokenManager(APIKeyManager):
    key_generator = PrefixedKeyGenerator("st")

    def get_usable_keys(self) -> models.QuerySet:
        # Every staff request reads the token and then its user: one query, not two.
        return super().get_usable_keys().select_related("user")


class StaffToken(AbstractAPIKey):
    """A moderator's personal API token; only its hash is stored."""

    objects: ClassVar[StaffTokenManager] = StaffTokenManager()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")

    class Meta(AbstractAPIKey.Meta):
        # Moved here from moderation; the table keeps its name, so an upgrade keeps every token.
        db_table = "moderation_stafftoken"
        verbose_name = "staff API token"
