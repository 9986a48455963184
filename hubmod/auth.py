"""API authentication: one Bearer header carries a hub integration key or a staff member's
personal token; the key's prefix says which."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q
from rest_framework import authentication, exceptions

from hubmod.actors import Actor


class HubPrincipal:
    """request.user for a call made with a hub integration key: authenticated, never staff."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False

    def __init__(self, key):
        self.key = key
        self.pk = None

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return False

    def get_username(self) -> str:
        return f"hub:{self.key.name}"

    def __str__(self) -> str:
        return self.get_username()


class PrefixedKeyAuthentication(authentication.BaseAuthentication):
    """A Bearer key of one kind, told apart by its prefix; a key of another kind is left to the
    next authenticator in DEFAULT_AUTHENTICATION_CLASSES, and a key no kind claims to the last."""

    keyword = "Bearer"
    model: type  # an AbstractAPIKey whose manager has a PrefixedKeyGenerator

    def authenticate(self, request):
        key = bearer_key(request, self.keyword)
        if key is None or not key.startswith(self.model.objects.key_generator.marker):
            return None
        try:
            found = self.model.objects.get_from_key(key)
        except self.model.DoesNotExist:
            raise exceptions.AuthenticationFailed("Unknown or revoked key.") from None
        if found.has_expired:
            raise exceptions.AuthenticationFailed("This key has expired; ask for a new one.")
        return self.principal(found), found

    def principal(self, key):
        raise NotImplementedError

    def authenticate_header(self, request) -> str:
        return self.keyword


class UnknownBearerKey(PrefixedKeyAuthentication):
    """Last in line: a Bearer key that no kind claimed is refused, never treated as anonymous."""

    def authenticate(self, request):
        if bearer_key(request, self.keyword) is not None:
            raise exceptions.AuthenticationFailed("Unknown or revoked key.")
        return None


def bearer_key(request, keyword: str = "Bearer") -> str | None:
    header = authentication.get_authorization_header(request).split()
    if not header or header[0].lower() != keyword.lower().encode():
        return None
    if len(header) != 2:
        raise exceptions.AuthenticationFailed("Send the key as 'Authorization: Bearer <key>', with no spaces in it.")
    try:
        return header[1].decode("ascii")
    except UnicodeDecodeError as exc:
        raise exceptions.AuthenticationFailed("The key contains characters a key never has.") from exc


def actor_for(request) -> Actor:
    """The Actor a service should record for this request."""
    user = request.user
    if isinstance(user, HubPrincipal):
        return Actor.hub(user.key.name)
    if user is not None and user.is_authenticated:
        return Actor.staff(user)
    return Actor.reporter()


class OneQueryPermissionBackend(ModelBackend):
    """Django's model backend, reading a user's permissions in one query rather than two.

    Every staff API call checks a permission on a user fresh from its token; the user's own and
    their groups' permissions, read separately, were a fifth of a queue page's time.
    """

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            granted = Permission.objects.all()
            if not user_obj.is_superuser:
                granted = granted.filter(Q(user=user_obj) | Q(group__user=user_obj))
            rows = granted.order_by().values_list("content_type__app_label", "codename")
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache
