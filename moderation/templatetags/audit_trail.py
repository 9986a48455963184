"""How an audit event's data reads in the console: words, not a Python dict."""

from __future__ import annotations

from django import template

register = template.Library()


def _plain(value) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{key.replace('_', ' ')}: {_plain(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_plain(item) for item in value) or "none"
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@register.filter
def audit_items(data) -> list[tuple[str, str]]:
    """An event's data as (label, text) pairs, in the order it was recorded."""
    if not isinstance(data, dict):
        return [("data", _plain(data))] if data else []
    return [(key.replace("_", " "), _plain(value)) for key, value in data.items()]
