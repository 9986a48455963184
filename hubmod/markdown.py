"""Markdown that someone outside wrote (a model card), as HTML a staff browser may show.

An uploader writes the card; a moderator reads it in the console. Nothing in it may run, load,
style or frame anything there: two kept libraries in a row, each enough on its own for what it
covers (docs/decisions/card-rendering.md).

1. markdown-it-py parses it with raw HTML off, so every tag in the card is text, escaped; links
   go through its `validateLink` (no javascript:, vbscript:, file:, and data: only for images:
   BAD_PROTO_RE and GOOD_DATA_RE in executablebooks/markdown-it-py
   markdown_it/common/normalize_url.py, read at 2c3f71ec46c4259ca375fb40c9cd47385c6c304e).
   Images are rendered here as their alt text and their URL, as text: a staff browser must not
   fetch an address an uploader chose (a tracking pixel would tell them who looked, and when).
   YAML front matter is shown as a preformatted block, as written.
2. nh3 (the Rust sanitiser ammonia) cleans the HTML that comes out against an allow-list of
   tags and attributes: no style, no event handlers, links only to http, https and mailto
   (relative ones dropped) with rel="noopener noreferrer nofollow", no images.

Only the first MAX_BYTES of a card are rendered, and the page says so.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from importlib.metadata import version

import markdown_it
import nh3
from django.core.cache import cache
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.front_matter import front_matter_plugin

MAX_BYTES = 200 * 1024
# A data: image's URL can be the size of the card; shown as text, its beginning says what it is.
IMAGE_URL_SHOWN = 200
# Deeper lists and quotes render as text: a card nested 10,000 levels deep is an attack on the
# parser's recursion, not documentation.
MAX_NESTING = 20

_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code", "em", "strong",
    "del", "s", "a", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "span",
}  # fmt: skip
# rel is set by the cleaner itself (link_rel), never taken from the input.
_ATTRIBUTES: dict[str, set[str]] = {"a": {"href", "title"}, "ol": {"start"}}
_CLASSES = {"pre": {"card-front-matter"}, "span": {"card-image"}}
_URL_SCHEMES = {"http", "https", "mailto"}
_LINK_REL = "noopener noreferrer nofollow"


def _image_as_text(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    alt = renderer.renderInlineAsText(token.children, options, env)
    url = str(token.attrGet("src") or "")
    if len(url) > IMAGE_URL_SHOWN:
        url = f"{url[:IMAGE_URL_SHOWN]}…"
    label = f"image: {alt}" if alt else "image"
    return f'<span class="card-image">[{escapeHtml(label)}: <code>{escapeHtml(url)}</code>]</span>'


def _front_matter_as_text(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return f'<pre class="card-front-matter"><code>{escapeHtml(tokens[idx].content)}</code></pre>\n'


def _parser() -> MarkdownIt:
    # "js-default": CommonMark with tables and strikethrough, and with raw HTML, linkify and
    # typographic replacements off.
    md = MarkdownIt("js-default", {"html": False, "maxNesting": MAX_NESTING}).use(front_matter_plugin)
    md.add_render_rule("image", _image_as_text)
    md.add_render_rule("front_matter", _front_matter_as_text)
    return md


_markdown = _parser()
_NH3_VERSION = version("nh3")
_cleaner = nh3.Cleaner(
    tags=_TAGS,
    clean_content_tags={"script", "style"},
    attributes=_ATTRIBUTES,
    allowed_classes=_CLASSES,
    url_schemes=_URL_SCHEMES,
    url_relative="deny",
    link_rel=_LINK_REL,
    strip_comments=True,
)


# Part of the key the rendered HTML is kept under: raise it when the rules above change, so no page
# shows HTML rendered under the old ones.
RULES_VERSION = 1
_KEPT_SECONDS = 7 * 24 * 3600


def markdown_safe(text: str) -> SafeString:
    """The card rendered and sanitised: HTML that nothing the card says can make active.

    Kept in the cache by the text's digest, the rules and both libraries' versions: a 200-line card
    costs the case page 6-15 ms to render (bench case_page), and a card is read far more often
    than it changes."""
    key = ":".join(
        (
            "card-html",
            str(RULES_VERSION),
            markdown_it.__version__,
            _NH3_VERSION,
            hashlib.sha256(text.encode()).hexdigest(),
        )
    )
    kept = cache.get(key)
    if kept is not None:
        # Rendered by the function below, from this very text: safe as it was when stored.
        return mark_safe(kept)  # noqa: S308
    html = _rendered(text)
    cache.set(key, str(html), _KEPT_SECONDS)
    return html


def _rendered(text: str) -> SafeString:
    encoded = text.encode("utf-8")
    cut = len(encoded) > MAX_BYTES
    if cut:
        # A character cut in two at the limit is dropped, not replaced.
        text = encoded[:MAX_BYTES].decode("utf-8", errors="ignore")
    html = _cleaner.clean(_markdown.render(text))
    if cut:
        html += format_html(
            '<p class="card-cut">The card is {} long; only its first {} are shown.</p>',
            filesizeformat(len(encoded)),
            filesizeformat(MAX_BYTES),
        )
    # The one place hubmod marks outside text safe: it has just been through both steps above.
    return mark_safe(html)  # noqa: S308
