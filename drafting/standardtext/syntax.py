"""The markdown-it parser for the dialect: CommonMark + tables, raw HTML off,
plus ``[[...]]`` cross-references and ``<!-- -->`` comments that are dropped.

URL policy lives here too, because both the renderer and the PDF fetcher must
agree on what an attachment name is.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline

from drafting.standardtext.footnotes import footnote_def, footnote_ref
from drafting.standardtext.math import math_block, math_inline, subscript, superscript

ALLOWED_LINK_SCHEMES = frozenset({"http", "https", "mailto"})

_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
# Browsers ignore tabs, newlines and control characters inside a URL scheme
# ("java\tscript:"), so they are removed before the scheme is looked at.
_IGNORED_IN_URL_RE = re.compile(r"[\x00-\x20\x7f]+")
_XREF_RE = re.compile(r"\[\[([^\[\]\n]{1,80})\]\]")
_MAX_ATTACHMENT_NAME = 200


def is_safe_link(url: str) -> bool:
    """True for http(s)/mailto links, relative paths and #anchors.

    Protocol-relative ``//host`` and backslash tricks are refused: they leave
    the site without saying so.
    """
    cleaned = _IGNORED_IN_URL_RE.sub("", url)
    if cleaned.startswith(("//", "\\", "/\\")):
        return False
    match = _SCHEME_RE.match(cleaned)
    return match is None or match.group(1).lower() in ALLOWED_LINK_SCHEMES


def attachment_name(src: str) -> str | None:
    """The attachment an image source names, or ``None`` if it is not a plain
    attachment name (a URL, an absolute path, a path with folders or ``..``)."""
    name = unquote(src).strip()
    if not name or len(name) > _MAX_ATTACHMENT_NAME:
        return None
    if _SCHEME_RE.match(name) or any(ch in name for ch in "/\\?#"):
        return None
    if name in (".", "..") or any(ord(ch) < 32 or ord(ch) == 0x7F for ch in name):
        return None
    return name


def _comment_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """``<!-- ... -->`` on its own lines: a note to the editors, never output.

    Raw HTML is off, so without this rule a comment would print as text.
    Everything up to the line holding ``-->`` is dropped (to the end of the
    document when it is never closed, as CommonMark does for HTML blocks).
    """
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    pos = state.bMarks[start] + state.tShift[start]
    if not state.src.startswith("<!--", pos):
        return False
    if silent:
        return True
    line = start
    search_from = pos + 4
    while line < end:
        line_end = state.eMarks[line]
        if state.src.find("-->", search_from, line_end) >= 0:
            line += 1
            break
        line += 1
        if line < end:
            search_from = state.bMarks[line] + state.tShift[line]
    state.line = line
    token = state.push("std_comment", "", 0)
    token.map = [start, line]
    return True


def _comment_inline(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("<!--", state.pos):
        return False
    end = state.src.find("-->", state.pos + 4)
    if end < 0:
        return False
    if not silent:
        state.push("std_comment", "", 0)
    state.pos = end + 3
    return True


def _xref(state: StateInline, silent: bool) -> bool:
    """``[[4.2]]``, ``[[表A.1]]``, ``[[附录B]]``, ``[[#label]]``: resolved later."""
    if not state.src.startswith("[[", state.pos):
        return False
    match = _XREF_RE.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        token = state.push("xref", "", 0)
        token.content = match.group(1).strip()
    state.pos = match.end()
    return True


def make_parser(renderer_cls: type | None = None) -> MarkdownIt:
    """A parser for the dialect. ``html`` stays off: raw HTML is printed as text."""
    options = {"html": False, "linkify": False, "typographer": False}
    md = (
        MarkdownIt("commonmark", options, renderer_cls=renderer_cls)
        if renderer_cls
        else MarkdownIt("commonmark", options)
    )
    md.enable(["table", "strikethrough"])
    # Links and images are judged when they are rendered (a refused image
    # becomes a visible placeholder, a refused link plain text), so the
    # parser accepts every destination; see is_safe_link / attachment_name.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    md.block.ruler.before(
        "table",
        "std_comment",
        _comment_block,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    md.inline.ruler.before("link", "xref", _xref)
    md.block.ruler.before(
        "table", "math_block", math_block, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )
    md.block.ruler.before("reference", "footnote_def", footnote_def, {"alt": ["paragraph"]})
    md.inline.ruler.before("link", "footnote_ref", footnote_ref)
    md.inline.ruler.before("escape", "math_inline", math_inline)
    md.inline.ruler.before("strikethrough", "subscript", subscript)
    md.inline.ruler.before("emphasis", "superscript", superscript)
    md.inline.ruler.before("autolink", "std_comment", _comment_inline)
    return md
