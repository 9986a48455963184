"""Scoring a model card (Markdown with optional YAML front matter) against the checklist.

Pure functions: text in, verdicts out. A heading covers an item when one of the item's heading
phrases appears in it as whole words and the section under it (its subsections included) holds
at least the item's minimum number of words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.DOTALL)
_FRONT_MATTER_KEY = re.compile(r"^([A-Za-z0-9_-]+)\s*:\s*(.*)$")
_WORD = re.compile(r"\w+")
_FENCE = re.compile(r"^(```|~~~)")


def normalise(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


@dataclass(frozen=True)
class Section:
    heading: str  # normalised
    words: int  # the section's own words plus its subsections'


@dataclass(frozen=True)
class Card:
    front_matter: dict[str, str]
    sections: list[Section]


def card_parse(text: str) -> Card:
    front_matter: dict[str, str] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        for line in match.group(1).splitlines():
            if line[:1].isspace():
                continue  # nested YAML: only top-level keys matter here
            pair = _FRONT_MATTER_KEY.match(line)
            if pair:
                front_matter[pair.group(1).lower()] = pair.group(2).strip().strip("'\"")
        text = text[match.end() :]

    headings: list[tuple[int, str, int]] = []  # (level, normalised heading, own word count)
    in_fence = False
    for line in text.splitlines():
        if _FENCE.match(line.strip()):
            in_fence = not in_fence
        heading = None if in_fence else _HEADING.match(line)
        if heading:
            headings.append((len(heading.group(1)), normalise(heading.group(2)), 0))
        elif headings:
            level, name, words = headings[-1]
            headings[-1] = (level, name, words + len(_WORD.findall(line)))

    sections = []
    for index, (level, name, words) in enumerate(headings):
        total = words
        for deeper_level, _, deeper_words in headings[index + 1 :]:
            if deeper_level <= level:
                break
            total += deeper_words
        sections.append(Section(heading=name, words=total))
    return Card(front_matter=front_matter, sections=sections)


def item_covered(card: Card, *, headings: list[str], min_words: int, front_matter_key: str = "") -> bool:
    if front_matter_key and card.front_matter.get(front_matter_key.lower()):
        return True
    phrases = [re.compile(rf"\b{re.escape(normalise(phrase))}\b") for phrase in headings if normalise(phrase)]
    return any(
        section.words >= min_words and any(phrase.search(section.heading) for phrase in phrases)
        for section in card.sections
    )
