"""`make bench BENCH=case_page`: the console's case page against a bare DRF single-row read (issue 21).

"The case page's query count does not grow with the number of files, reports or relatives, and its
p95 under `make bench`, with a 500-file repository and a 200-line card, is at most 3x a bare DRF
single-row read measured in the same run."

Arranged once per run, new names each run, through the product's own doors: the hub syncs the
subject (`PUT /api/v1/hub/repositories/{owner}/{name}` with a hub key: 500 files without a url, so
nothing is fetched, and a 200-line Markdown card), its bases and the repositories built on it;
reporters file reports on the first revision through `POST /api/v1/reports`, some naming a file and
lines, which open one case; the hub then syncs a second revision (files changed, added and removed,
the card edited), so the page shows what changed since the report. A moderator signs in through
`/console/login/` as a browser does and claims the case (moderation's `case_claim`), so the page
carries the decide and dismiss forms, the statement templates and the question form as well.

A second, small case is arranged the same way (5 files, a 20-line card, one report, one relative
each way) for the query count: the two pages must take the same number of queries.

Measured with wrk at 2 connections, with the session and CSRF cookies a browser sends, in turns
with the floor (`/bench/case-row/<id>`, tests/bench/urls.py: a RetrieveAPIView over a
ModelSerializer of the same case row, no authentication).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

import httpx

from tests.bench.run import BASE, ROUNDS, Row, _errors, combined, in_turns, lua_get, say, wrk

OWNER = "bench-case"
MODERATOR_NAME = "bench-case-moderator"
GOAL = 3.0  # the case page's p95, at most this many times the floor's
DURATION = "10s"
CONNECTIONS = 2  # two moderators, each loading the page again as soon as it came: what one waits

# What the page must show for its time to count: an answer that lacks any of these was fast for the
# wrong reason (a sign-in page, a case nobody claimed, a subject without its files).
PAGE_MARKS = (
    'data-testid="case-subject"',
    'data-testid="card"',
    'data-testid="diff-files"',
    'data-testid="card-diff"',
    'data-testid="lineage-ancestors"',
    'data-testid="lineage-descendants"',
    'data-testid="scanned-files"',
    "data-decide-form",
    'data-testid="questions"',
)


@dataclass(frozen=True)
class Shape:
    """How big a case's subject is: its files, its card, its reports and its relatives."""

    files: int
    card_lines: int
    reports: int  # every other one names a file and lines
    ancestors: int  # a chain of bases, each built on the next
    descendants: int  # repositories built on the subject


LARGE = Shape(files=500, card_lines=200, reports=6, ancestors=2, descendants=4)
SMALL = Shape(files=5, card_lines=20, reports=1, ancestors=1, descendants=1)


@dataclass(frozen=True)
class Arranged:
    case_id: int
    repository: str

    @property
    def page(self) -> str:
        return f"/console/cases/{self.case_id}/"


def bench_case_page(rows: list[Row]) -> None:
    stamp = f"{int(time.time())}"
    password = secrets.token_urlsafe(24)
    moderator = moderator_ready(password)
    with httpx.Client(base_url=BASE, headers={"Authorization": f"Bearer {hub_key()}"}, timeout=60) as hub:
        large = case_arrange(hub, f"page-{stamp}", LARGE, moderator)
        small = case_arrange(hub, f"small-{stamp}", SMALL, moderator)
    cookies = signed_in(MODERATOR_NAME, password)
    for arranged in (large, small):
        page_check(arranged.page, cookies)
    say(f"case_page: case {large.case_id} on {large.repository}; measuring")

    browser = lua_get(headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), "Accept": "text/html"})
    floor_read = lua_get(headers={"Accept": "application/json"})
    floors, pages = in_turns(
        lambda: wrk(floor_read, f"/bench/case-row/{large.case_id}", duration=DURATION, connections=CONNECTIONS),
        lambda: wrk(browser, large.page, duration=DURATION, connections=CONNECTIONS),
    )
    small_page = wrk(browser, small.page, duration=DURATION, connections=CONNECTIONS)
    page, floor = combined(pages), combined(floors)
    large_queries, small_queries = page_queries(cookies, [large.page, small.page])

    by_round = ", ".join(f"{p.p95 / f.p95:.2f}" for p, f in zip(pages, floors, strict=True))
    clean = not (page.non2xx or page.errors or floor.non2xx or floor.errors)
    rows.append(
        Row(
            f"21. case page p95 ({LARGE.files} files, {LARGE.card_lines}-line card, {CONNECTIONS} conn.)",
            page.p95,
            floor.p95,
            "ms",
            f"<= {GOAL:g}x the DRF single-row read",
            clean and page.p95 <= GOAL * floor.p95,
            [
                f"{ROUNDS} rounds of {DURATION} in turn, ratio by round {by_round}; p50 {page.p50:.1f} ms against "
                f"{floor.p50:.1f} ms; {page.rate:.0f} pages/s against {floor.rate:.0f} reads/s",
                f"{large_queries} queries a page, counted with CaptureQueriesContext through Django's test client "
                "in the bench process, after one warm-up request",
                *(f"page: {note}" for note in _errors(page)),
                *(f"floor: {note}" for note in _errors(floor)),
            ],
        )
    )
    rows.append(
        Row(
            f"21. case page queries, {LARGE.files} files vs {SMALL.files}",
            large_queries,
            small_queries,
            "queries",
            "the same for both",
            large_queries == small_queries,
            [f"{describe(LARGE)} against {describe(SMALL)}"],
        )
    )
    rows.append(
        Row(
            f"21. case page p95, {SMALL.files} files ({CONNECTIONS} conn.)",
            small_page.p95,
            floor.p95,
            "ms",
            "(context)",
            True,
            [f"the page of the small case: {describe(SMALL)}", *_errors(small_page)],
            info=True,
        )
    )


def describe(shape: Shape) -> str:
    relatives = shape.ancestors + shape.descendants
    return f"{shape.files} files, {shape.card_lines}-line card, {shape.reports} report(s), {relatives} relatives"


# --- arranging ------------------------------------------------------------------------------------


def hub_key() -> str:
    from hub.models import HubKey

    HubKey.objects.filter(name=OWNER).delete()  # one per run, not one more each run
    _, key = HubKey.objects.create_key(name=OWNER)
    return key


def moderator_ready(password: str):
    """The moderator who claims the cases and signs in to read them, with a new password each run."""
    from hubmod.staff.models import StaffToken
    from hubmod.staff.roles import MODERATOR
    from hubmod.staff.services import staff_create

    user, token = staff_create(username=MODERATOR_NAME, role_group=MODERATOR, password=password)
    StaffToken.objects.filter(user=user).exclude(prefix=token.split(".")[0]).delete()  # one per run, not many
    return user


def case_arrange(hub: httpx.Client, name: str, shape: Shape, moderator) -> Arranged:
    """A repository of `shape` and its relatives synced by the hub, reports on its first revision that
    open one case, a second revision synced after them, and the case claimed by `moderator`."""
    from hubmod.actors import Actor
    from moderation.services.cases import case_claim

    full_name = f"{OWNER}/{name}"
    bases = [f"{OWNER}/{name}-base{n}" for n in range(shape.ancestors)]
    for base, below in zip(bases, [*bases[1:], None], strict=True):
        built_on = [{"repo_id": below, "relation": "finetune"}] if below else []
        sync(hub, base, card="# A base model\n", base_models=built_on)
    first, second = revision(name, 1), revision(name, 2)
    files = repository_files(shape.files)
    ancestry = [{"repo_id": bases[0], "relation": "finetune"}] if bases else []
    card = model_card(shape.card_lines, edition=1)
    sync(hub, full_name, revision=first, card=card, files=files, base_models=ancestry)
    for n in range(shape.descendants):
        built_on = [{"repo_id": full_name, "relation": RELATIONS[n % len(RELATIONS)]}]
        sync(hub, f"{OWNER}/{name}-d{n}", card="# Built on it\n", base_models=built_on)

    case_ids = {report_file(full_name, first, n) for n in range(shape.reports)}
    if len(case_ids) != 1:
        raise RuntimeError(f"the reports on {full_name} opened {len(case_ids)} cases, not one")
    card = model_card(shape.card_lines, edition=2)
    sync(hub, full_name, revision=second, card=card, files=files_changed(files), base_models=ancestry)
    (case_id,) = case_ids
    case_claim(case_id=case_id, actor=Actor.staff(moderator))
    return Arranged(case_id, full_name)


def sync(hub: httpx.Client, full_name: str, **fields) -> None:
    """The hub's sync of one model repository under the Apache license, with these fields."""
    body = {"kind": "model", "license": "apache-2.0", **fields}
    response = hub.put(f"/api/v1/hub/repositories/{full_name}", json=body)
    if response.status_code not in (200, 201):
        raise RuntimeError(f"sync of {full_name}: {response.status_code} {response.text[:300]}")


def revision(name: str, edition: int) -> str:
    """A commit id as git writes it: 40 hex digits."""
    return hashlib.sha256(f"{name}@{edition}".encode()).hexdigest()[:40]


def _digest(path: str, edition: int) -> str:
    return hashlib.sha256(f"{path}#{edition}".encode()).hexdigest()


RELATIONS = ("quantized", "adapter", "finetune", "merge")  # of the repositories built on the subject
# Reports name these files; the second revision keeps them as they were, so the case is not remedied.
REPORTED_PATHS = ("modeling_custom.py", "tokenizer.json", "config.json")


def repository_files(count: int) -> list[dict]:
    """A sharded checkpoint and the files beside it, as the hub lists them: no url, so none is fetched."""
    beside = [*REPORTED_PATHS, "README.md", "generation_config.json", "special_tokens_map.json"][: max(1, count // 2)]
    shards = count - len(beside)
    paths = [*beside, *(f"model-{n:05d}-of-{shards:05d}.safetensors" for n in range(1, shards + 1))]
    return [{"path": path, "sha256": _digest(path, 1), "size": 4_000_000_000 + n} for n, path in enumerate(paths)]


def files_changed(files: list[dict]) -> list[dict]:
    """The second revision: one shard in ten re-uploaded, the last two gone, two new ones."""
    kept = [dict(f) for f in files[: max(1, len(files) - 2)]]
    for n, f in enumerate(kept):
        if n % 10 == 9 and f["path"] not in REPORTED_PATHS:
            f["sha256"] = _digest(f["path"], 2)
    added = [
        {"path": f"extra/adapter-{n}.safetensors", "sha256": _digest(f"extra/{n}", 2), "size": 1_000 + n}
        for n in range(2)
    ]
    return [*kept, *added]


def report_file(full_name: str, first_revision: str, n: int) -> int:
    """One malicious-code report on the first revision; every other one names a file and its lines."""
    path = REPORTED_PATHS[n // 2 % len(REPORTED_PATHS)]
    subject = {"type": "repository", "id": full_name, "revision": first_revision}
    if n % 2 == 0:
        subject |= {"path": path, "lines": f"{10 + n}-{24 + n}"}
    body = {
        "subject": subject,
        "category": "malicious_code",
        "details": {"location": path, "behaviour": f"Loading the model runs a downloaded script (report {n})."},
        "reporter": {"name": f"Bench reporter {n}", "email": f"bench-reporter-{n}@example.org"},
    }
    response = httpx.post(f"{BASE}/api/v1/reports", json=body, timeout=60)
    if response.status_code != 201:
        raise RuntimeError(f"report on {full_name}: {response.status_code} {response.text[:300]}")
    return response.json()["case_id"]


def model_card(lines: int, *, edition: int) -> str:
    """A model card of `lines` lines in the Markdown uploaders write: headings, lists, links, code
    blocks and tables, in sections until it is long enough. The second edition edits a few lines."""
    out = [
        "---",
        "license: apache-2.0",
        "tags: [text-generation, bench]",
        "---",
        f"# Bench model, edition {edition}",
        "",
    ]
    section = 0
    while len(out) < lines:
        section += 1
        out += [
            f"## Section {section}: {'Evaluation' if section % 2 else 'Training data'}",
            "",
            f"This section describes **part {section}** of the model, with a "
            f"[link to the paper](https://example.org/paper/{section}) and `inline code`"
            f"{' (revised)' if edition == 2 and section % 3 == 0 else ''}.",
            "",
            f"- intended use {section}: research on *text generation*",
            f"- limitation {section}: it may produce [wrong answers](https://example.org/limits#{section})",
            "  - nested: evaluated on held-out data",
            "",
            "```python",
            "from transformers import AutoModelForCausalLM",
            f'model = AutoModelForCausalLM.from_pretrained("{OWNER}/model", revision="r{section}")',
            "```",
            "",
            "| benchmark | score | notes |",
            "|---|---:|---|",
            f"| bench-{section} | {50 + section % 40}.{edition} | [details](https://example.org/bench/{section}) |",
            f"| other-{section} | {60 + section % 30}.0 | n/a |",
            "",
        ]
    return "\n".join(out[:lines]) + "\n"


# --- signing in and reading the page ---------------------------------------------------------------


def signed_in(username: str, password: str) -> dict[str, str]:
    """The cookies a browser holds after signing in at /console/login/: the session and the CSRF token."""
    with httpx.Client(base_url=BASE, timeout=30) as browser:
        browser.get("/console/login/").raise_for_status()
        csrf = browser.cookies["csrftoken"]
        answer = browser.post(
            "/console/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": csrf, "next": "/console/"},
            headers={"Referer": f"{BASE}/console/login/"},
        )
        if answer.status_code != 302 or "sessionid" not in browser.cookies:
            raise RuntimeError(f"signing in as {username}: {answer.status_code} {answer.text[:300]}")
        return {"sessionid": browser.cookies["sessionid"], "csrftoken": browser.cookies["csrftoken"]}


def page_check(path: str, cookies: dict[str, str]) -> None:
    answer = httpx.get(BASE + path, cookies=cookies, timeout=60)
    missing = [mark for mark in PAGE_MARKS if mark not in answer.text]
    if answer.status_code != 200 or missing:
        raise RuntimeError(f"{path}: {answer.status_code}, missing {missing}: {answer.text[:300]}")


def page_queries(cookies: dict[str, str], pages: list[str]) -> list[int]:
    """Queries each page takes, through Django's test client in this process, after a warm-up
    request (as a gunicorn worker that has served before: its per-process caches filled)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    for name, value in cookies.items():
        client.cookies[name] = value
    counts = []
    for page in pages:
        client.get(page)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page)
        if response.status_code != 200:
            raise RuntimeError(f"{page} through the test client: {response.status_code}")
        counts.append(len(captured))
    return counts
