"""A hub's integration key as a Bearer key."""

from hub.models import HubKey
from hubmod.auth import HubPrincipal, PrefixedKeyAuthentication


class HubKeyAuthentication(PrefixedKeyAuthentication):
    model = HubKey

    def principal(self, key: HubKey) -> HubPrincipal:
        return HubPrincipal(key)
