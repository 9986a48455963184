"""The language a notice is written in: the recipient's, when we support it, else English."""

from django.conf import settings
from django.utils.translation import get_supported_language_variant


def notice_language(tag: str | None) -> str:
    """A supported language code for a BCP 47 tag ("de", "de-AT", "de_DE"), else the default.

    Accounts carry whatever tag the hub sends; anything we cannot write in falls back to English.
    """
    if not tag:
        return settings.LANGUAGE_CODE
    try:
        return get_supported_language_variant(tag.strip().replace("_", "-").lower())
    except LookupError:
        return settings.LANGUAGE_CODE
