"""The lines a report points at, fetched from the hub's url for the file over real HTTP on
127.0.0.1 and shown as escaped text on the case page, within a time budget; what could not be
fetched says why, and the page never fails for it (issue 21)."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
from django.test import Client
from django.utils import translation

from devtools.hub_files import HubFiles
from hub.models import Repository
from scanning.excerpts import MAX_BYTES, ExcerptLine, HeadFile, ReportedRange, excerpts_for
from tests.conftest import hub_client
from tests.factories import moderator
from tests.flows import file
from tests.scanning import corpus

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9,en;q=0.5"}
SOURCE = "".join(f"line {n}\n" for n in range(1, 21)).encode()
HOSTILE_LINE = b'import os  # <script>window.__pwned=1</script> "quoted"\n'
WITH_HOSTILE = SOURCE.replace(b"line 8\n", HOSTILE_LINE)
PICKLE = corpus.torch_zip(corpus.pickle_call(2, "os", "system", "echo hi"))


class SlowHubFiles(HubFiles):
    """The hub's file store, with a file that takes a while to come."""

    def slow(self, path: str, body: bytes, seconds: float) -> str:
        def answer(handler: BaseHTTPRequestHandler) -> None:
            time.sleep(seconds)
            handler.send_response(200)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)

        self._routes[path] = answer
        return self.url(path)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """What the page says is translated as it is shown: these tests read it in English, whatever
    language an earlier test left active in this thread."""
    with translation.override("en"):
        yield


@pytest.fixture
def served(settings) -> Iterator[SlowHubFiles]:
    files = SlowHubFiles({"/src/train.py": WITH_HOSTILE, "/weights.bin": PICKLE})
    settings.SCAN_FETCH_ALLOWED_HOSTS = [files.netloc]
    yield files
    files.stop()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def head(path: str, data: bytes, url: str, *, size: int | None = None) -> HeadFile:
    return HeadFile(path=path, sha256=sha(data), size=len(data) if size is None else size, url=url)


def lines_of(path: str, data: bytes, url: str, start: int, end: int, **extra):
    files = {path: head(path, data, url, size=extra.pop("size", None))}
    ranges = [ReportedRange(report_id=1, path=path, line_start=start, line_end=end, **extra)]
    return excerpts_for(ranges=ranges, files=files, head_revision="4d5e6f7").shown[0]


def test_the_reported_lines_come_with_three_lines_around_them_marked_as_reported(served):
    excerpt = lines_of("src/train.py", WITH_HOSTILE, served.url("/src/train.py"), 8, 9)

    assert excerpt.problem == ""
    assert excerpt.lines[0] == ExcerptLine(5, "line 5", reported=False)
    assert excerpt.lines[3] == ExcerptLine(8, HOSTILE_LINE.decode().rstrip("\n"), reported=True)
    assert [(line.number, line.reported) for line in excerpt.lines] == [
        (5, False), (6, False), (7, False), (8, True), (9, True), (10, False), (11, False), (12, False),
    ]  # fmt: skip


def test_the_lines_stop_at_the_files_ends_and_a_line_past_the_end_says_so(served):
    first = lines_of("src/train.py", SOURCE, served.serve("/plain.py", SOURCE), 1, 1)
    last = lines_of("src/train.py", SOURCE, served.url("/plain.py"), 20, 20)
    past = lines_of("src/train.py", SOURCE, served.url("/plain.py"), 30, 31)

    assert [line.number for line in first.lines] == [1, 2, 3, 4]
    assert [line.number for line in last.lines] == [17, 18, 19, 20]
    assert (past.lines, past.problem) == ([], "the file has 20 line(s); the report names line 30")


def test_a_host_that_is_not_allowed_is_not_asked(served, settings):
    settings.SCAN_FETCH_ALLOWED_HOSTS = ["files.example"]

    excerpt = lines_of("src/train.py", WITH_HOSTILE, served.url("/src/train.py"), 8, 9)

    assert excerpt.problem == f"could not fetch: host not allowed: {served.netloc}"
    assert served.requests == {}


def test_a_file_that_is_not_text_shows_no_lines(served):
    excerpt = lines_of("weights.bin", PICKLE, served.url("/weights.bin"), 1, 2)

    assert excerpt.lines == []
    assert excerpt.problem == "not text: the file's bytes look like zip, so no lines are shown"


def test_a_file_declared_too_large_is_not_fetched(served):
    big = b"x\n" * (MAX_BYTES // 2 + 1)

    excerpt = lines_of("big.txt", big, served.serve("/big.txt", big), 1, 1)

    assert excerpt.problem == f"too large to show: the hub declared {len(big):,} bytes, over the 1,048,576-byte limit"
    assert served.requests == {}


def test_bytes_that_are_not_the_hubs_file_are_not_shown(served):
    excerpt = lines_of("src/train.py", SOURCE, served.serve("/other.py", b"print('something else')\n"), 1, 1)

    assert excerpt.lines == []
    assert excerpt.problem.startswith("could not fetch: digest mismatch")


def test_an_excerpt_is_fetched_once_and_then_read_from_the_cache(served):
    url = served.url("/src/train.py")

    first = lines_of("src/train.py", WITH_HOSTILE, url, 8, 9)
    again = lines_of("src/train.py", WITH_HOSTILE, url, 8, 9)

    assert again == first
    assert served.requests == {"/src/train.py": 1}


def test_many_ranges_in_one_file_are_one_fetch(served):
    data = head("src/train.py", WITH_HOSTILE, served.url("/src/train.py"))
    ranges = [ReportedRange(report_id=n, path="src/train.py", line_start=n, line_end=n + 1) for n in range(1, 8)]
    ranges.append(ReportedRange(report_id=99, path="src/train.py", line_start=1, line_end=2))  # the same range again

    excerpts = excerpts_for(ranges=ranges, files={"src/train.py": data}, head_revision="4d5e6f7")

    assert [(e.line_start, e.report_ids) for e in excerpts.shown][:2] == [(1, [1, 99]), (2, [2])]
    assert all(e.lines and not e.problem for e in excerpts.shown)
    assert served.requests == {"/src/train.py": 1}


def test_a_slow_file_misses_the_budget_and_is_there_on_the_next_view(served):
    url = served.slow("/slow.py", SOURCE, seconds=1.0)
    started = time.monotonic()

    late = excerpts_for(
        ranges=[ReportedRange(report_id=1, path="slow.py", line_start=2, line_end=2)],
        files={"slow.py": head("slow.py", SOURCE, url)},
        head_revision="",
        budget=0.3,
    ).shown[0]

    assert time.monotonic() - started < 0.9
    assert late.problem == "could not fetch: no answer within 0.3 s; the lines show here once it comes"
    time.sleep(2.5)  # the fetch goes on in the background and leaves the lines in the cache
    shown = lines_of("slow.py", SOURCE, url, 2, 2)
    assert [line.number for line in shown.lines] == [1, 2, 3, 4, 5]
    assert served.requests == {"/slow.py": 1}


def test_characters_that_reorder_text_unseen_are_shown_as_code_points(served):
    trojan = "access = 'user\u202e \u2066// admin only\u2069 \u2066'\n".encode()

    excerpt = lines_of("auth.py", trojan, served.serve("/auth.py", trojan), 1, 1)

    assert excerpt.lines[0].text == "access = 'user⟨U+202E⟩ ⟨U+2066⟩// admin only⟨U+2069⟩ ⟨U+2066⟩'"


def test_lines_that_may_not_be_the_ones_reported_say_so(served):
    url = served.url("/src/train.py")

    changed = lines_of("src/train.py", WITH_HOSTILE, url, 8, 8, file_sha256="0" * 64)
    older = lines_of("src/train.py", WITH_HOSTILE, url, 9, 9, revision="0a1b2c3")
    same_bytes = lines_of("src/train.py", WITH_HOSTILE, url, 10, 10, revision="0a1b2c3", file_sha256=sha(WITH_HOSTILE))
    abbreviated_head = lines_of("src/train.py", WITH_HOSTILE, url, 11, 11, revision="4d5e6f")

    assert changed.note == "The file has changed since it was reported: these are the lines of the head's copy."
    assert older.note == "Reported at revision 0a1b2c3; these are the lines at the head, 4d5e6f7."
    assert same_bytes.note == abbreviated_head.note == ""


# --- On the case page ---------------------------------------------------------------------------


def case_page_for(served, *reports: dict, headers: dict | None = None) -> str:
    body = {
        "kind": "model",
        "revision": "0a1b2c3",
        "files": [
            {"path": "src/train.py", "sha256": sha(WITH_HOSTILE), "size": len(WITH_HOSTILE),
             "url": served.url("/src/train.py")},
            {"path": "weights.bin", "sha256": sha(PICKLE), "size": len(PICKLE), "url": served.url("/weights.bin")},
            {"path": "README.md", "sha256": "c" * 64, "size": 10},
        ],
    }  # fmt: skip
    assert hub_client().put("/api/v1/hub/repositories/acme/tiny", body, format="json").status_code == 201
    repository = Repository.objects.get(full_name="acme/tiny")
    case_id = None
    for subject in reports:
        case_id = file(repository, "other", client=hub_client(), **subject)["case_id"]
    client = Client(**(headers or {}))
    client.force_login(moderator())
    answer = client.get(f"/console/cases/{case_id}/")
    assert answer.status_code == 200
    return answer.content.decode()


@pytest.mark.django_db
def test_the_case_page_shows_the_reported_lines_escaped_and_marked(seeded, served):
    page = case_page_for(served, {"path": "src/train.py", "lines": "8-9"})

    assert '<tr class="reported" data-testid="excerpt-line"><th scope="row">8</th><td><mark>' in page
    assert "import os  # &lt;script&gt;window.__pwned=1&lt;/script&gt; &quot;quoted&quot;</mark></td></tr>" in page
    assert "<script>window.__pwned" not in page
    assert '<th scope="row">5</th><td>line 5</td>' in page


@pytest.mark.django_db
def test_the_case_page_says_why_lines_could_not_be_shown_and_never_fails(seeded, served, settings):
    served.stop()  # the hub's file store is down

    page = case_page_for(
        served,
        {"path": "src/train.py", "lines": "1-2"},
        {"path": "README.md", "lines": "3"},
        {"path": "gone.py", "lines": "4"},
    )

    assert "could not fetch: connection failed: " in page
    assert "could not fetch: the hub gave no url for this file" in page
    assert "not in the head revision: the hub lists no file at this path now" in page


@pytest.mark.django_db
def test_why_lines_are_not_shown_is_said_in_the_moderators_language_even_when_kept_in_english(seeded, served):
    url = served.url("/weights.bin")
    lines_of("weights.bin", PICKLE, url, 1, 2)  # fetched and kept in the cache while English was active

    page = case_page_for(
        served, {"path": "weights.bin", "lines": "1-2"}, {"path": "README.md", "lines": "3"}, headers=GERMAN
    )

    assert "kein Text: die Bytes der Datei sehen aus wie zip, daher werden keine Zeilen gezeigt" in page
    assert "nicht abrufbar: der Hub hat für diese Datei keine URL angegeben" in page
    assert "could not fetch" not in page
    assert served.requests == {"/weights.bin": 1}
