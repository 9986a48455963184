"""The common shape of a filed report, validated without building DRF's fields; DRF judges the rest.

Each report's input went through `ReportCreateApi.InputSerializer`, and DRF builds a serializer's
fields anew for every instance (a deep copy that re-runs each field's constructor): a tenth of an
intake request's Python. Most reports are plain: a subject by type and id, a category, details,
perhaps a reporter and a hub user. `plain_report` accepts exactly those, when every value is one
the serializer would take unchanged, and returns what the serializer would return. Anything else
(a revision, a path, whitespace to trim, a wrong type, an error to explain) returns None, and the
serializer decides, with its own messages. `plain_details` does the same for a category's details
when all its fields are text. Property tests hold each equal to its serializer
(tests/reports/test_plain_input.py).

Only for speed: bench "intake req/s" (against a bare DRF CreateAPIView, docs/performance.md).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from hub.api import REPO_ID_PATTERN
from hub.models import HANDLE_PATTERN
from reports.categories import CATEGORIES, Category

_SUBJECT_PATTERNS = {"repository": re.compile(REPO_ID_PATTERN), "account": re.compile(rf"^{HANDLE_PATTERN}$")}
_HANDLE = re.compile(rf"^{HANDLE_PATTERN}$")
_TOP_KEYS = frozenset({"subject", "category", "details", "reporter", "on_behalf_of"})
_email_valid = EmailValidator()


def _plain_text(value, *, max_length: int | None = None, blank: bool = False) -> bool:
    """A string a DRF CharField keeps as it is: nothing to trim, no NUL, no lone surrogate."""
    if not isinstance(value, str) or value != value.strip() or "\x00" in value:
        return False
    if not value and not blank:
        return False
    if max_length is not None and len(value) > max_length:
        return False
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def _plain_email(value) -> bool:
    if not _plain_text(value, max_length=254, blank=True):
        return False
    if value:
        try:
            _email_valid(value)
        except ValidationError:
            return False
    return True


def plain_report(data) -> dict | None:
    """`data` as the input serializer would validate it, if it is plain; else None."""
    if not isinstance(data, dict) or not data.keys() <= _TOP_KEYS:
        return None
    subject, category, details = data.get("subject"), data.get("category"), data.get("details")
    if not isinstance(subject, dict) or subject.keys() != {"type", "id"}:
        return None
    pattern = _SUBJECT_PATTERNS.get(subject["type"]) if isinstance(subject["type"], str) else None
    if pattern is None or not _plain_text(subject["id"], max_length=200) or not pattern.match(subject["id"]):
        return None
    if not isinstance(category, str) or category not in CATEGORIES:
        return None
    if not isinstance(details, dict) or not all(isinstance(key, str) for key in details):
        return None
    validated = {
        "subject": {"type": subject["type"], "id": subject["id"]},
        "category": category,
        "details": dict(details),
    }
    if "reporter" in data:
        reporter = data["reporter"]
        if not isinstance(reporter, dict) or not reporter.keys() <= {"name", "email"}:
            return None
        if "name" in reporter and not _plain_text(reporter["name"], max_length=200, blank=True):
            return None
        if "email" in reporter and not _plain_email(reporter["email"]):
            return None
        validated["reporter"] = dict(reporter)
    if "on_behalf_of" in data:
        on_behalf_of = data["on_behalf_of"]
        if not _plain_text(on_behalf_of) or not _HANDLE.match(on_behalf_of):
            return None
        validated["on_behalf_of"] = on_behalf_of
    return validated


# Detail types with a DRF field of their own; every other type is a CharField (reports.serializers).
_TYPES_FOR_DRF = frozenset({"boolean", "email", "choice", "url", "country", "sha256", "license_clause"})


def plain_details(category: Category, data) -> dict | None:
    """`data` as `details_validate` would clean it, if the category's fields are all text and every
    value is plain; else None."""
    if not isinstance(data, dict):
        return None
    specs = {spec.name: spec for spec in category.fields}
    if not data.keys() <= specs.keys():
        return None
    for spec in specs.values():
        if spec.type in _TYPES_FOR_DRF:
            return None
        if spec.name not in data:
            if spec.required:
                return None
        elif not _plain_text(data[spec.name], max_length=spec.max_length, blank=not spec.required):
            return None
    return dict(data)
