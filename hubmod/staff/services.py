"""Staff: the role groups, staff users and their personal API tokens."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from hubmod.staff.models import StaffToken
from hubmod.staff.roles import HUB_ADMIN, ROLE_PERMISSIONS


def roles_sync() -> None:
    """Create the role groups and give each exactly its permissions."""
    for group_name, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


@transaction.atomic
def staff_create(*, username: str, role_group: str, password: str | None = None) -> tuple[object, str]:
    """Create or update a staff user in one role; returns the user and a new personal API token."""
    roles_sync()
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.is_staff = role_group == HUB_ADMIN
    if password:
        user.set_password(password)
    elif not user.has_usable_password():
        user.set_unusable_password()
    user.save()
    user.groups.set([Group.objects.get(name=role_group)])
    _, token = StaffToken.objects.create_key(name=f"{username} personal token"[:50], user=user)
    return user, token
