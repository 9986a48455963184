"""Reads of staff identity."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import QuerySet


def staff_members() -> QuerySet[User]:
    """Active users in a staff role, by username: whom a case can be handed to."""
    return get_user_model().objects.filter(is_active=True, groups__isnull=False).distinct().order_by("username")
