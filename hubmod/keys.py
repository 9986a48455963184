"""API keys whose prefix says what they are, so one Bearer header can carry a hub's key or a staff token."""

from django.utils.crypto import get_random_string
from rest_framework_api_key.crypto import KeyGenerator


class PrefixedKeyGenerator(KeyGenerator):
    def __init__(self, marker: str):
        super().__init__(prefix_length=8, secret_key_length=40)
        self.marker = marker

    def get_prefix(self) -> str:
        return self.marker + get_random_string(self.prefix_length - len(self.marker))
