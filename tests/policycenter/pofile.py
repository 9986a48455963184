"""A small reader for gettext .po files: enough to check a catalogue is complete and compiled,
without adding a dependency."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # index 0 for singular-only entries
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> str:
        """The key gettext's .mo catalogue uses for this message."""
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


def parse(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int] | None = None

    def finish():
        nonlocal entry, target
        if target is not None:
            entries.append(entry)
        entry, target = Entry(), None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            entry.obsolete = True
            continue
        if line.startswith("#,"):
            entry.flags |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            keyword, rest = None, line
        if keyword is not None:
            if target is not None and keyword in ("msgid", "msgctxt") and (entry.msgstr or entry.msgid):
                finish()
            if keyword == "msgctxt":
                target = ("msgctxt", 0)
                entry.msgctxt = ""
            elif keyword == "msgid":
                target = ("msgid", 0)
            elif keyword == "msgid_plural":
                target = ("msgid_plural", 0)
            elif keyword.startswith("msgstr["):
                target = ("msgstr", int(keyword[7:-1]))
                entry.msgstr[target[1]] = ""
            elif keyword == "msgstr":
                target = ("msgstr", 0)
                entry.msgstr[0] = ""
            else:
                raise ValueError(f"Unexpected line in {path}: {raw}")
        text = ast.literal_eval(rest)
        what, index = target
        if what == "msgstr":
            entry.msgstr[index] += text
        else:
            setattr(entry, what, getattr(entry, what) + text)
    finish()
    return entries
