"""Message templates filled for a case, and the one rule on what a sent text may not hold.

A template's `{variable}` is filled from the case; a variable the moderator has to choose first
(the policy section, before a ground is picked) becomes a `[...]` placeholder instead. A `[...]`
placeholder is text the moderator must write: a statement or question that still holds one of a
template's placeholders, or a `{variable}` hubmod would have filled, is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from policy.models import MessageTemplate, StatementTemplate

VARIABLES = ("subject", "files", "policy_section", "deadline", "revision")
_VARIABLE = re.compile(r"\{(" + "|".join(VARIABLES) + r")\}")
PLACEHOLDER = re.compile(r"\[[^\[\]\n]+\]")


def message_fill(text: str, values: Mapping[str, str]) -> str:
    """The template with what the case says filled in; a variable without a value becomes a
    placeholder the moderator must replace."""
    return _VARIABLE.sub(lambda m: values.get(m.group(1)) or f"[{m.group(1).replace('_', ' ')}]", text)


def placeholders_left(text: str, templates: Iterable[str]) -> list[str]:
    """The templates' placeholders, and unfilled variables, that `text` still holds."""
    found = [m.group(0) for m in _VARIABLE.finditer(text)]
    for template in templates:
        found += [p for p in PLACEHOLDER.findall(message_fill(template, {})) if p in text]
    return list(dict.fromkeys(found))


def template_texts(kind: str) -> list[str]:
    """Every template a text of this kind may have started from: placeholders are refused from all of them."""
    texts = list(MessageTemplate.objects.filter(kind=kind).values_list("text", flat=True))
    if kind == MessageTemplate.Kind.STATEMENT:
        texts += list(StatementTemplate.objects.values_list("text", flat=True))
    return texts
