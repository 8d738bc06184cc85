"""The markdown-it parser for the dialect: CommonMark + tables, raw HTML off,
plus ``[[...]]`` cross-references and ``<!-- -->`` comments that are dropped.

URL policy lives here too, because both the renderer and the PDF fetcher must
agree on what an attachment name is.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from markdown_it import MarkdownIt, rules_block
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


def _comment_end(src: str, pos: int) -> int:
    """Where the comment opened at ``pos`` ends (just after ``-->``), or -1.

    As in HTML, ``<!-->`` and ``<!--->`` are complete (empty) comments.
    """
    close = src.find("-->", pos + 2)
    return close + 3 if close >= 0 else -1


def _comment_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """``<!-- ... -->`` starting a line: a note to the editors, never output.

    Raw HTML is off, so without this rule a comment would print as text. The
    lines up to the one holding ``-->`` are dropped; text after ``-->`` on that
    line stays (as a paragraph of its own). A comment that is never closed is
    not a comment: it prints as text and the checks report it.
    """
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    pos = state.bMarks[start] + state.tShift[start]
    if not state.src.startswith("<!--", pos):
        return False
    close = _comment_end(state.src, pos)
    if close < 0 or close > state.eMarks[end - 1]:
        return False
    if silent:
        return True
    line = start
    while line < end and state.eMarks[line] < close:
        line += 1
    rest = state.src[close : state.eMarks[line]]
    state.line = line + 1
    token = state.push("std_comment", "", 0)
    token.map = [start, line + 1]
    if rest.strip():
        opener = state.push("paragraph_open", "p", 1)
        opener.map = [line, line + 1]
        inline = state.push("inline", "", 0)
        inline.content = rest.strip()
        inline.map = [line, line + 1]
        inline.children = []
        state.push("paragraph_close", "p", -1)
    return True


def _comment_inline(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("<!--", state.pos):
        return False
    end = _comment_end(state.src, state.pos)
    if end < 0:
        return False
    if not silent:
        state.push("std_comment", "", 0)
    state.pos = end
    return True


_FENCE_LINE_RE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")


def _front_matter(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """YAML front matter (``---`` … ``---`` on the first lines) is not part of
    the dialect: it is kept, as a visibly marked block, and the checks report it."""
    if start != 0 or state.sCount[start] != 0:
        return False
    first = state.src[state.bMarks[0] : state.eMarks[0]]
    if first.rstrip() != "---":
        return False
    line = 1
    while line < end:
        text = state.src[state.bMarks[line] : state.eMarks[line]]
        if _FENCE_LINE_RE.match(text):
            break
        line += 1
    else:
        return False
    if line == 1:
        return False
    if silent:
        return True
    token = state.push("std_front_matter", "pre", 0)
    token.content = state.getLines(1, line, 0, True)
    token.map = [0, line + 1]
    state.line = line + 1
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
    # A heading ends a table (GFM: "the beginning of another block-level
    # structure"); markdown-it would take "# 范围" under a table as one more row.
    md.block.ruler.at(
        "heading", rules_block.heading, {"alt": ["paragraph", "reference", "blockquote", "table"]}
    )
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
    md.block.ruler.before("hr", "std_front_matter", _front_matter)
    # A link reference definition ("[a]: url") is output nowhere unless it is
    # used: off, so such a line prints as the text it is.
    md.disable("reference")
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
