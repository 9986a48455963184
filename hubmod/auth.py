"""API authentication: one Bearer header carries a hub integration key or a staff member's
personal token; the key's prefix says which."""

from __future__ import annotations

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


class BearerKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the key as 'Authorization: Bearer <key>', with no spaces in it."
            )
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("The key contains characters a key never has.") from exc
        from hub.models import HubKey
        from moderation.models import StaffToken

        for model in (HubKey, StaffToken):
            if key.startswith(model.objects.key_generator.marker):
                try:
                    found = model.objects.get_from_key(key)
                except model.DoesNotExist:
                    break
                if found.has_expired:
                    raise exceptions.AuthenticationFailed("This key has expired; ask for a new one.")
                if isinstance(found, HubKey):
                    return HubPrincipal(found), found
                if not found.user.is_active:
                    raise exceptions.AuthenticationFailed("This account is disabled.")
                return found.user, found
        raise exceptions.AuthenticationFailed("Unknown or revoked key.")

    def authenticate_header(self, request) -> str:
        return self.keyword


def actor_for(request) -> Actor:
    """The Actor a service should record for this request."""
    user = request.user
    if isinstance(user, HubPrincipal):
        return Actor.hub(user.key.name)
    if user is not None and user.is_authenticated:
        return Actor.staff(user)
    return Actor.reporter()
