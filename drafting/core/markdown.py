"""Markdown for notices and help pages: raw HTML off, links sanitised."""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

_md = (
    MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    .enable("table")
    .enable("strikethrough")
)

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "del",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
}


def render_markdown(text: str) -> str:
    """HTML from user Markdown; safe to mark as Markup in templates."""
    html = _md.render(text or "")
    # Only markdown-it's own "language-…" classes survive on <code>; a list
    # starting at 3 keeps its start.
    # markdown-it already escapes raw HTML; nh3 is the second lock on the door
    # (link schemes, attributes).
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={
            "a": {"href", "title"},
            "img": {"src", "alt", "title"},
            "th": {"style"},
            "td": {"style"},
            "ol": {"start"},
            "code": {"class"},
        },
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_keep_attribute,
    )


_LANGUAGE_CLASS_RE = re.compile(r"^language-[A-Za-z0-9_+.\-]{1,40}$")


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "code" and attribute == "class":
        return value if _LANGUAGE_CLASS_RE.match(value) else None
    if tag == "ol" and attribute == "start":
        return value if value.isdigit() and len(value) <= 9 else None
    return value
