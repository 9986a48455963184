"""The reported subject on the case page (issue 21): the model card at the reported revision,
rendered from Markdown and sanitised so nothing in it is active; what changed from there to the
head; the lineage as a tree with each relative's state; all in a constant number of queries.

The section is moderation/includes/subject.html over moderation.subject.case_subject, rendered
here as the case page renders it; the page's own query count is measured at /console/cases/<id>/
with the sections the hooks add (scanning's files and reported lines)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hub.models import Repository
from hub.services import subject_apply_effect
from hubmod.markdown import MAX_BYTES, markdown_safe
from moderation.models import Case
from moderation.subject import LINEAGE_SHOWN, case_subject
from tests.conftest import hub_client
from tests.factories import moderator, open_case
from tests.flows import file

R1, R2 = "0a1b2c3", "4d5e6f7"

# --- Nothing in a card is active ------------------------------------------------------------------

# What the rendered card may hold, and nothing else: a copy of the renderer's allow-list, so a
# change there is a change here too, on purpose.
CARD_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code", "em", "strong",
    "del", "s", "a", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "span",
}  # fmt: skip
CARD_ATTRIBUTES = {"href", "title", "rel", "start", "class"}
PWN = "window.__pwned=1"

# Each way a card has been seen to carry script, a request to a host the uploader chose, styling
# or a frame into a page, as raw HTML and as Markdown.
HOSTILE = {
    "script": f"<script>{PWN}</script>",
    "script in a heading": f"# Model <script>{PWN}</script>",
    "event handler on an image": f'<img src="x" onerror="{PWN}">',
    "event handler on a div": f'<div onmouseover="{PWN}">hover</div>',
    "details ontoggle": f'<details open ontoggle="{PWN}"><summary>x</summary></details>',
    "svg onload": f'<svg onload="{PWN}"><circle r="1"/></svg>',
    "svg with script": f"<svg><script>{PWN}</script></svg>",
    "svg use xlink": '<svg><use xlink:href="https://evil.example/sprite.svg#x"/></svg>',
    "math mutation": f'<math><mtext><table><mglyph><style><img src=x onerror="{PWN}">',
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "iframe srcdoc": f'<iframe srcdoc="<script>{PWN}</script>"></iframe>',
    "object": '<object data="https://evil.example/x.swf"></object>',
    "embed": '<embed src="https://evil.example/x.swf">',
    "form": '<form action="https://evil.example/"><input name="q"><button>Go</button></form>',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "base": '<base href="https://evil.example/">',
    "link stylesheet": '<link rel="stylesheet" href="https://evil.example/x.css">',
    "style element": "<style>body { display: none }</style>",
    "style attribute": '<p style="position:fixed;top:0;left:0;width:100%;height:100%">cover</p>',
    "raw javascript link": f'<a href="javascript:{PWN}">x</a>',
    "markdown javascript link": f"[x](javascript:{PWN})",
    "upper-case scheme": f"[x](JAVASCRIPT:{PWN})",
    "entity-encoded scheme": f"[x](&#106;avascript:{PWN})",
    "tab inside the scheme": f"[x](java&#x09;script:{PWN})",
    "vbscript": "[x](vbscript:msgbox(1))",
    "data html link": "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "data image link": "[x](data:image/png;base64,iVBORw0KGgo=)",
    "data svg link": "[x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "reference javascript link": f"[x][evil]\n\n[evil]: javascript:{PWN}",
    "javascript autolink": f"<javascript:{PWN}>",
    "file link": "[x](file:///etc/passwd)",
    "relative link": "[x](/console/cases/1/claim)",
    "protocol-relative link": "[x](//evil.example/)",
    "title breaking out": f'[x](https://ok.example "a\\" onmouseover=\\"{PWN}")',
    "remote image": "![pixel](https://evil.example/pixel.png)",
    "data image": "![pixel](data:image/png;base64,iVBORw0KGgo=)",
    "image in a link": "[![badge](https://evil.example/badge.svg)](https://ci.example/)",
    "comment": f"<!-- <script>{PWN}</script> -->",
    "front matter breaking out": f"---\ntitle: </code></pre><script>{PWN}</script>\n---\n# Card",
    "fenced code": f"```html\n<script>{PWN}</script>\n```",
    "nesting past the limit": "> " * 200 + "deep",
}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def active_constructs(html: str) -> list[str]:
    """What in this HTML could run, load, style or frame something: an empty list for a card
    that is inert."""
    parser = _Tags()
    parser.feed(html)
    found = []
    for tag, attrs in parser.tags:
        if tag not in CARD_TAGS:
            found.append(f"<{tag}>")
        named = dict(attrs)
        found.extend(f"{tag}[{name}]" for name in named if name not in CARD_ATTRIBUTES)
        href = named.get("href")
        if href is not None and not re.match(r"^(https?:|mailto:)", href):
            found.append(f"href={href!r}")
        if tag == "a" and href is not None and named.get("rel") != "noopener noreferrer nofollow":
            found.append(f"a without rel: {named}")
    return found


@pytest.mark.parametrize("payload", HOSTILE.values(), ids=HOSTILE.keys())
def test_nothing_a_card_carries_is_active_once_rendered(payload):
    html = markdown_safe(payload)

    assert active_constructs(html) == []
    assert "<script" not in html.lower()


def test_raw_html_is_shown_as_the_text_the_uploader_wrote():
    html = markdown_safe(f'<img src="x" onerror="{PWN}"> and <script>{PWN}</script>')

    assert '&lt;img src="x" onerror="window.__pwned=1"&gt;' in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html


def test_an_image_is_its_alt_text_and_address_as_text_never_an_image():
    html = markdown_safe("![the loss curve](https://evil.example/pixel.png)")

    assert "<img" not in html
    assert html.strip() == (
        '<p><span class="card-image">[image: the loss curve: <code>https://evil.example/pixel.png</code>]</span></p>'
    )


def test_a_link_leads_off_hubmod_with_no_referrer_no_opener_and_no_follow():
    html = markdown_safe("[paper](https://arxiv.example/abs/1) and <mailto:team@example.org>")

    assert '<a href="https://arxiv.example/abs/1" rel="noopener noreferrer nofollow">paper</a>' in html
    assert '<a href="mailto:team@example.org" rel="noopener noreferrer nofollow">' in html


def test_markdown_renders_headings_lists_tables_and_code():
    html = markdown_safe("# Tiny\n\n- one\n- **two**\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n```\nx < y\n```\n")

    assert "<h1>Tiny</h1>" in html
    assert "<li><strong>two</strong></li>" in html
    assert "<td>2</td>" in html  # alignment, a style attribute, is dropped
    assert "<pre><code>x &lt; y\n</code></pre>" in html


def test_front_matter_is_shown_as_written_in_a_preformatted_block():
    html = markdown_safe("---\nlicense: apache-2.0\ntags: [text, <b>bold</b>]\n---\n# Card\n")

    assert html.startswith(
        '<pre class="card-front-matter"><code>license: apache-2.0\ntags: [text, &lt;b&gt;bold&lt;/b&gt;]</code></pre>'
    )
    assert "<h1>Card</h1>" in html


def test_a_card_past_the_limit_is_rendered_up_to_it_and_says_it_was_cut():
    html = markdown_safe("é" * MAX_BYTES)  # two bytes each: twice the limit

    assert html.count("é") == MAX_BYTES // 2
    assert html.endswith('<p class="card-cut">The card is 400.0\xa0KB long; only its first 200.0\xa0KB are shown.</p>')


# --- The section on the case page ---------------------------------------------------------------


def sync(name: str, **body) -> Repository:
    answer = hub_client().put(f"/api/v1/hub/repositories/acme/{name}", {"kind": "model", **body}, format="json")
    assert answer.status_code in (200, 201), answer.content
    return Repository.objects.get(full_name=f"acme/{name}")


def report(repository: Repository, **subject) -> Case:
    filed = file(repository, "other", client=hub_client(), **subject)
    return Case.objects.select_related("repository__owner").get(pk=filed["case_id"])


def section(case: Case) -> str:
    return render_to_string("moderation/includes/subject.html", {"subject": case_subject(case=case)})


@pytest.mark.django_db
def test_the_card_shown_is_the_reported_revisions_with_what_changed_since(seeded):
    files = [{"path": "model.bin", "sha256": "a" * 64, "size": 10}]
    sync("tiny", revision=R1, card="# Tiny\n\nReported <b>card</b>.\n", files=files)
    case = report(Repository.objects.get(full_name="acme/tiny"), revision=R1)
    files = [
        {"path": "model.bin", "sha256": "b" * 64, "size": 20},
        {"path": "loader.py", "sha256": "c" * 64, "size": 5},
    ]
    sync("tiny", revision=R2, card="# Tiny\n\nCleaned card.\n", files=files)
    case.repository.refresh_from_db()

    html = section(case)

    assert f'Model card at the reported revision <code title="{R1}">{R1}</code>' in html
    assert "<p>Reported &lt;b&gt;card&lt;/b&gt;.</p>" in html
    assert "Cleaned card" not in html.split('data-testid="card-diff"')[0]
    assert "2 file(s) added, removed or changed; the card changed" in html
    assert re.search(r'<tr class="added"><td>added</td><td><code>loader.py</code>', html)
    assert re.search(r'<tr class="changed-file"><td>changed</td><td><code>model.bin</code>', html)
    assert "<del>-Reported &lt;b&gt;card&lt;/b&gt;.</del>" in html
    assert "<ins>+Cleaned card.</ins>" in html
    assert active_constructs(html.split('data-testid="card"')[1].split("</div>")[0]) == []


@pytest.mark.django_db
def test_a_revision_reported_by_the_start_of_its_sha_is_the_one_shown(seeded):
    full = R1 + "0" * 33
    sync("tiny", revision=full, card="# At the reported revision\n")
    case = report(Repository.objects.get(full_name="acme/tiny"), revision=R1)
    sync("tiny", revision=R2 + "0" * 33, card="# At the head\n")
    case.repository.refresh_from_db()

    html = section(case)

    assert f'Model card at the reported revision <code title="{full}">{full[:14]}…</code>' in html
    assert "<h1>At the reported revision</h1>" in html
    assert "the card changed" in html


@pytest.mark.django_db
def test_a_report_on_the_head_named_by_the_start_of_its_sha_has_nothing_changed(seeded):
    repository = sync("tiny", revision=R1 + "0" * 33, card="# Head\n")
    case = report(repository, revision=R1)

    html = section(case)

    assert "Model card at the reported revision" in html
    assert "The reported revision is the head: nothing changed since." in html


@pytest.mark.django_db
def test_a_revision_hubmod_never_saw_shows_the_heads_card_and_says_so(seeded):
    repository = sync("tiny", revision=R1, card="# The head's card\n")
    case = report(repository, revision="feedface")

    html = section(case)

    assert f'Model card at the head <code title="{R1}">{R1}</code>' in html
    assert "hubmod never saw revision <code>feedface</code>" in html
    assert "<h1>The head&#x27;s card</h1>" in html or "<h1>The head's card</h1>" in html
    assert "Unknown: hubmod holds no snapshot of the reported revision." in html


@pytest.mark.django_db
def test_a_report_on_the_head_shows_its_card_and_nothing_changed(seeded):
    repository = sync("tiny", revision=R1, card="")
    case = report(repository, revision=R1)

    html = section(case)

    assert "The hub sent no card." in html
    assert "The reported revision is the head: nothing changed since." in html


class _Lineage(HTMLParser):
    """The (depth, name) of each relative in a lineage list, depth counted in lists nested under
    the subject's; it fails on an end tag that closes anything but the innermost open list or item."""

    def __init__(self, testid: str) -> None:
        super().__init__()
        self.testid, self.inside, self.stack = testid, False, []
        self.nodes: list[tuple[int, str]] = []
        self._code = False

    def handle_starttag(self, tag, attrs):
        if tag == "ul" and ("data-testid", self.testid) in attrs:
            self.inside = True
        if self.inside and tag in ("ul", "li"):
            self.stack.append(tag)
        self._code = self.inside and tag == "code"

    def handle_endtag(self, tag):
        if self.inside and tag in ("ul", "li"):
            assert self.stack[-1:] == [tag], f"</{tag}> closes {self.stack}"
            self.stack.pop()
            self.inside = bool(self.stack)
        self._code = False

    def handle_data(self, data):
        if self._code:
            self.nodes.append((self.stack.count("ul") - 1, data))


def lineage(html: str, which: str) -> list[tuple[int, str]]:
    parser = _Lineage(f"lineage-{which}")
    parser.feed(html)
    assert parser.stack == [], "a lineage list is left open"
    return parser.nodes


@pytest.mark.django_db
def test_the_lineage_is_a_tree_with_each_relatives_visibility_and_open_cases(seeded):
    sync("base", base_models=[{"repo_id": "meta/llama", "relation": "finetune"}])
    tiny = sync("tiny", base_models=[{"repo_id": "acme/base", "relation": "finetune"}])
    quant = sync("tiny-q", base_models=[{"repo_id": "acme/tiny", "relation": "quantized"}])
    sync("tiny-q-lora", base_models=[{"repo_id": "acme/tiny-q", "relation": "adapter"}])
    sync(
        "merged",
        base_models=[{"repo_id": "acme/tiny", "relation": "merge"}, {"repo_id": "acme/tiny-q", "relation": "merge"}],
    )
    sync("tiny-gguf", base_models=[{"repo_id": "acme/tiny", "relation": "quantized"}])
    subject_apply_effect(kind="delist", revert=False, repository_id=quant.pk)
    quant_case = open_case(quant)
    case = report(tiny)

    html = section(case)

    assert lineage(html, "ancestors") == [(1, "acme/base"), (2, "meta/llama")]
    assert lineage(html, "descendants") == [
        (1, "acme/merged"),
        (1, "acme/tiny-gguf"),
        (1, "acme/tiny-q"),
        (2, "acme/tiny-q-lora"),
    ]
    assert re.search(
        r"<code>acme/tiny-q</code> <span class=\"help\">\(quantized\)</span> ·\s*<span class=\"visibility\">delisted</span>, "
        rf"<a href=\"/console/cases/{quant_case.pk}/\">1 open case</a>",
        html,
    )
    assert "also built on acme/tiny-q" in html  # the merge, shown once under the subject
    assert re.search(r"<code>meta/llama</code> <span class=\"help\">\(base; finetune\)</span> ·\s*"
                     r"<span class=\"help\">not synced to hubmod</span>", html)  # fmt: skip


@pytest.mark.django_db
def test_a_long_lineage_shows_the_nearest_relatives_and_counts_the_rest(seeded):
    tiny = sync("tiny")
    for i in range(LINEAGE_SHOWN + 3):
        sync(f"tune-{i:02}", base_models=[{"repo_id": "acme/tiny", "relation": "finetune"}])
    case = report(tiny)

    subject = case_subject(case=case)
    html = render_to_string("moderation/includes/subject.html", {"subject": subject})

    assert len(lineage(html, "descendants")) == LINEAGE_SHOWN
    assert (subject.descendants.total, subject.descendants.not_shown) == (LINEAGE_SHOWN + 3, 3)
    assert f"3 more not shown ({LINEAGE_SHOWN + 3} in all, nearest first)." in html


@pytest.mark.django_db
def test_a_case_about_an_account_has_no_subject_section(seeded):
    from moderation.services.cases import case_for_report
    from tests.factories import AccountFactory

    case = case_for_report(repository=None, account=AccountFactory(), category="spam").case

    assert case_subject(case=case) is None
    assert render_to_string("moderation/includes/subject.html", {"subject": None}).strip() == ""


# --- A constant number of queries ---------------------------------------------------------------


def arrange(name: str, n: int) -> Case:
    """A repository with n files, n reports on n of its files' lines, n bases and n models built
    on it; reported at a revision that is no longer the head."""
    files = [{"path": f"src/f{i}.py", "sha256": f"{i:064x}", "size": 100} for i in range(n)]
    bases = [{"repo_id": f"acme/{name}-base-{i}", "relation": "merge"} for i in range(n)]
    for i in range(n):
        sync(f"{name}-base-{i}")
    repository = sync(name, revision=R1, card=f"# {name}\n", files=files, base_models=bases)
    for i in range(n):
        sync(f"{name}-tune-{i}", base_models=[{"repo_id": f"acme/{name}", "relation": "finetune"}])
        open_case(Repository.objects.get(full_name=f"acme/{name}-tune-{i}"))
    case = None
    for i in range(n):
        case = report(repository, revision=R1, path=f"src/f{i}.py", lines=f"{i + 1}-{i + 2}")
    changed = [{**files[0], "sha256": "f" * 64}, *files[1:], {"path": "added.py", "sha256": "e" * 64, "size": 1}]
    sync(name, revision=R2, card=f"# {name}, changed\n", files=changed)
    return case


def queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


@pytest.mark.django_db
def test_the_case_page_and_its_subject_cost_the_same_for_1_or_30_files_reports_and_relatives(seeded):
    client = Client()
    client.force_login(moderator())
    small, large = arrange("small", 1), arrange("large", 30)
    for case in (small, large):
        client.get(f"/console/cases/{case.pk}/")  # once first: per-process look-ups (the SLA table) are made

    def page(case):
        def get():
            answer = client.get(f"/console/cases/{case.pk}/")
            assert answer.status_code == 200
            assert 'data-testid="reported-lines"' in answer.content.decode()

        return get

    def subject(case):
        return lambda: section(Case.objects.select_related("repository__owner").get(pk=case.pk))

    assert large.reports.count() == 30
    assert queries(page(small)) == queries(page(large))
    assert queries(subject(small)) == queries(subject(large))
    # The case, the walks up and down, the snapshots, the lineage's links, the relatives' states.
    assert queries(subject(large)) == 6
