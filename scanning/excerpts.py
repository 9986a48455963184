"""The lines a report points at, as text, for the case page: fetched from the url the hub gave for
the file, through the same rules as every other fetch (scanning.fetch: the operator's allowed
hosts, no private address, the hub's digest), cut to the reported range and a few lines around it.

The case page asks while it renders, so a fetch has a budget: the page waits at most
BUDGET_SECONDS for all of them together and says "could not fetch" for the rest. A fetch that
overran goes on in the background and leaves its lines in the cache for the next view. Each runs
in a daemon thread, at most FETCHES_AT_ONCE per process, so a slow server holds a slot, never a
request or the process's exit. What a fetch found, lines or a problem, is cached by the file's
sha256 and the range, so the page does not fetch again on every view.

Only text is shown (scanning.analysis.sniff decides, by the bytes), only files the hub declared no
larger than MAX_BYTES, and always as escaped text: the template never marks it safe.
"""

from __future__ import annotations

import logging
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from scanning.analysis.sniff import HEAD_SIZE, sniff_bytes
from scanning.fetch import fetch

logger = logging.getLogger(__name__)

MAX_BYTES = 1024 * 1024
CONTEXT_LINES = 3
BUDGET_SECONDS = 2.0
# A fetch the page stopped waiting for finishes in the background, but never takes a slot for long.
FETCH_SECONDS = 10.0
FETCHES_AT_ONCE = 4
# A range longer than this shows its first lines, and says it was cut.
LINES_SHOWN = 200
# Distinct ranges on one page; the page says how many more there are.
EXCERPTS_SHOWN = 20
CACHE_SECONDS = 3600
# A failure is cached briefly: long enough that reloading the page does not knock on a dead
# server every time, short enough that a fixed one shows soon.
PROBLEM_CACHE_SECONDS = 300
CACHE_PREFIX = "scanning.excerpt.v1"

# Characters that change how the text around them is displayed without being seen themselves:
# bidirectional overrides and isolates, the "Trojan Source" trick, which makes code read
# differently from how it runs. They are shown as their code point.
_INVISIBLE = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
_SHOW_INVISIBLE = {code: f"⟨U+{code:04X}⟩" for code in _INVISIBLE}

_slots = threading.BoundedSemaphore(FETCHES_AT_ONCE)

Span = tuple[int, int]  # the first and last reported line
Location = tuple[str, int, int]  # a path and a span in it
# What the page says, translated when it is shown: kept in the cache untranslated, read in any language.
Text = str | Promise
Found = dict[str, Any]  # as cached: {"lines": [[number, text], ...], "cut": bool} or {"problem": str}


@dataclass(frozen=True)
class ReportedRange:
    """Where one report points: a file of the repository and lines in it."""

    report_id: int
    path: str
    line_start: int
    line_end: int
    revision: str = ""  # the revision the reporter saw, if they said
    file_sha256: str = ""  # the file's digest the reporter saw, if they said


@dataclass(frozen=True)
class HeadFile:
    """A file of the head revision as the hub listed it."""

    path: str
    sha256: str
    size: int
    url: str


@dataclass(frozen=True)
class ExcerptLine:
    number: int
    text: str
    reported: bool


@dataclass(frozen=True)
class Excerpt:
    path: str
    line_start: int
    line_end: int
    report_ids: list[int]
    lines: list[ExcerptLine]
    problem: Text  # why no lines are shown; empty when they are
    note: Text  # what the reader should know about the lines shown (the file changed since)
    cut: bool  # the reported range is longer than LINES_SHOWN


@dataclass(frozen=True)
class Excerpts:
    shown: list[Excerpt]
    not_shown: int


def excerpts_for(
    *, ranges: Iterable[ReportedRange], files: dict[str, HeadFile], head_revision: str, budget: float = BUDGET_SECONDS
) -> Excerpts:
    """The excerpt of each distinct range the reports name, fetched within `budget` seconds in
    all. Never raises for what the network, the cache or the file does: each says its problem."""
    deadline = time.monotonic() + budget
    reports: dict[Location, list[ReportedRange]] = defaultdict(list)
    for reported in ranges:
        reports[(reported.path, reported.line_start, max(reported.line_end, reported.line_start))].append(reported)
    locations = sorted(reports)
    shown = locations[:EXCERPTS_SHOWN]

    found: dict[Location, Found] = {}
    uncached: dict[str, Location] = {}  # by cache key
    for location in shown:
        file = files.get(location[0])
        problem = _problem_before_fetching(file)
        if problem or file is None:
            found[location] = {"problem": problem}
        else:
            uncached[_cache_key(file.sha256, location[1], location[2])] = location
    for key, value in _cache_get_many(list(uncached)).items():
        found[uncached.pop(key)] = value

    # One fetch per file, however many of its ranges were reported.
    spans_by_path: dict[str, list[Span]] = defaultdict(list)
    for path, line_start, line_end in uncached.values():
        spans_by_path[path].append((line_start, line_end))
    jobs = [_Fetch.start(files[path], spans) for path, spans in spans_by_path.items()]
    for job in jobs:
        job.wait(until=deadline)
        for span in job.spans:
            found[(job.file.path, *span)] = job.outcome(span) or {
                "problem": format_lazy(
                    _("could not fetch: no answer within {budget} s; the lines show here once it comes"),
                    budget=f"{budget:g}",
                )
            }

    return Excerpts(
        shown=[_excerpt(at, reports[at], found[at], files.get(at[0]), head_revision) for at in shown],
        not_shown=len(locations) - len(shown),
    )


def _problem_before_fetching(file: HeadFile | None) -> Text:
    if file is None:
        return _("not in the head revision: the hub lists no file at this path now")
    if not file.url:
        return _("could not fetch: the hub gave no url for this file")
    if file.size > MAX_BYTES:
        return format_lazy(
            _("too large to show: the hub declared {size} bytes, over the {limit}-byte limit"),
            size=f"{file.size:,}",
            limit=f"{MAX_BYTES:,}",
        )
    return ""


def _cache_key(sha256: str, line_start: int, line_end: int) -> str:
    return f"{CACHE_PREFIX}:{sha256}:{line_start}:{line_end}"


def _cache_get_many(keys: list[str]) -> dict[str, Any]:
    if not keys:
        return {}
    try:
        return cache.get_many(keys)
    except Exception:  # the cache being down costs a fetch, not the page
        logger.warning("excerpt cache unreadable", exc_info=True)
        return {}


def _cache_set_many(values: dict[str, Any], timeout: int) -> None:
    try:
        cache.set_many(values, timeout=timeout)
    except Exception:
        logger.warning("excerpt cache unwritable", exc_info=True)


class _Fetch:
    """One file fetched in a daemon thread: what it found for each of its ranges, or why nothing."""

    def __init__(self, file: HeadFile, spans: list[Span]):
        self.file, self.spans = file, spans
        self.found: dict[Span, Found] = {}
        self.problem: Text = ""
        self._done = threading.Event()

    @classmethod
    def start(cls, file: HeadFile, spans: list[Span]) -> _Fetch:
        job = cls(file, spans)
        if _slots.acquire(blocking=False):
            threading.Thread(target=job._run, name=f"excerpt-{file.sha256[:12]}", daemon=True).start()
        else:
            job.problem = format_lazy(
                _("could not fetch: {count} fetches are already under way; reload in a moment"), count=FETCHES_AT_ONCE
            )
            job._done.set()
        return job

    def wait(self, *, until: float) -> None:
        self._done.wait(max(until - time.monotonic(), 0))

    def outcome(self, span: Span) -> Found | None:
        """What the fetch found for this span; None while it is still under way."""
        if not self._done.is_set():
            return None
        return self.found.get(span) or {"problem": self.problem}

    def _run(self) -> None:
        try:
            self.found = _fetch_excerpts(self.file, self.spans)
        except Exception as exc:  # our own disk, or a bug: the page says so rather than failing
            logger.exception("excerpt fetch failed")
            self.problem = format_lazy(_("could not fetch: {reason}"), reason=f"{type(exc).__name__}: {exc}")
        finally:
            _slots.release()
            self._done.set()


def _fetch_excerpts(file: HeadFile, spans: list[Span]) -> dict[Span, Found]:
    with tempfile.TemporaryDirectory(prefix="hubmod-excerpt-") as into:
        fetched = fetch(
            file.url,
            expected_sha256=file.sha256,
            expected_size=file.size,
            into=Path(into),
            max_bytes=MAX_BYTES,
            total_seconds=FETCH_SECONDS,
        )
        data = fetched.path.read_bytes() if fetched.path is not None else None
    if data is None:
        problem: Found = {"problem": format_lazy(_("could not fetch: {reason}"), reason=fetched.reason)}
        _cache_set_many({_cache_key(file.sha256, *span): problem for span in spans}, PROBLEM_CACHE_SECONDS)
        return {span: problem for span in spans}
    kind = sniff_bytes(data[:HEAD_SIZE], size=len(data))
    if kind != "text":
        problem = {
            "problem": format_lazy(
                _("not text: the file's bytes look like {kind}, so no lines are shown"), kind=kind.replace("_", " ")
            )
        }
        results = {span: problem for span in spans}
    else:
        lines = data.decode("utf-8", errors="replace").split("\n")
        if lines and lines[-1] == "":
            lines.pop()  # the newline that ends the last line starts no line of its own
        results = {span: _cut(lines, *span) for span in spans}
    _cache_set_many({_cache_key(file.sha256, *span): value for span, value in results.items()}, CACHE_SECONDS)
    return results


def _cut(lines: list[str], line_start: int, line_end: int) -> Found:
    if line_start > len(lines):
        return {
            "problem": format_lazy(
                _("the file has {count} line(s); the report names line {line}"),
                count=f"{len(lines):,}",
                line=f"{line_start:,}",
            )
        }
    last_reported = min(line_end, line_start + LINES_SHOWN - 1)
    first = max(line_start - CONTEXT_LINES, 1)
    last = min(last_reported + CONTEXT_LINES, len(lines))
    return {
        "lines": [[number, lines[number - 1].rstrip("\r")] for number in range(first, last + 1)],
        "cut": last_reported < line_end,
    }


def _excerpt(
    span: Location,
    reports: list[ReportedRange],
    found: Found,
    file: HeadFile | None,
    head_revision: str,
) -> Excerpt:
    path, line_start, line_end = span
    lines = [
        ExcerptLine(number=number, text=text.translate(_SHOW_INVISIBLE), reported=line_start <= number <= line_end)
        for number, text in found.get("lines", [])
    ]
    return Excerpt(
        path=path,
        line_start=line_start,
        line_end=line_end,
        report_ids=sorted(r.report_id for r in reports),
        lines=lines,
        problem=found.get("problem", ""),
        note=_note(reports, file, head_revision) if lines else "",
        cut=bool(found.get("cut")),
    )


def _note(reports: list[ReportedRange], file: HeadFile | None, head_revision: str) -> Text:
    """Whether the lines shown, the head's, may not be the ones the reporter saw."""
    digests = {r.file_sha256.lower() for r in reports if r.file_sha256}
    if file is not None and digests - {file.sha256}:
        return _("The file has changed since it was reported: these are the lines of the head's copy.")
    if digests:
        return ""  # the very bytes that were reported, whatever the revision is called now
    # A revision named by the start of its sha, as git abbreviates it, is the head when it starts it.
    seen = sorted({r.revision for r in reports if r.revision and not head_revision.startswith(r.revision)})
    if seen:
        return format_lazy(
            _("Reported at revision {revisions}; these are the lines at the head, {head}."),
            revisions=", ".join(seen),
            head=head_revision or _("unnamed"),
        )
    return ""
