"""Differences between two revisions of a standard's text.

The history view shows two revisions side by side (rows aligned by line) or
inline. Lines are matched first; only lines that were replaced are compared
again token by token, so that a change of one character in a Chinese
paragraph (which is one line) or of one word in English is what gets
highlighted, not the whole paragraph.

The tokenisers and the sequence matcher live in :mod:`drafting.core.textdiff`
(the redline export uses them too); they are re-exported here for
:mod:`drafting.documents.merge` and older callers.

Everything here is plain data; HTML escaping belongs to the templates, except
for the two ``render_*_html`` helpers, which escape every piece of text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Literal

from markupsafe import Markup, escape

from drafting.core.textdiff import CJK as _CJK
from drafting.core.textdiff import (
    FALLBACK_AREA,
    OpTag,
    matching_blocks,
    normalize_newlines,
    opcodes,
    sentence_tokens,
    word_tokens,
)
from drafting.core.textdiff import absorb_spaces as _absorb_spaces

__all__ = [
    "FALLBACK_AREA",
    "DiffStats",
    "Row",
    "Segment",
    "Skip",
    "TextDiff",
    "diff_revisions",
    "matching_blocks",
    "normalize_newlines",
    "render_inline_html",
    "render_side_by_side_html",
    "sentence_tokens",
    "word_tokens",
]

# --------------------------------------------------------------------------
# Revision diff
# --------------------------------------------------------------------------

SegmentKind = Literal["equal", "insert", "delete"]
RowKind = Literal["equal", "insert", "delete", "replace"]

# Lines of unchanged context kept on each side of a change.
CONTEXT_LINES = 3
# Beyond this many characters compared token by token in one diff, replaced
# lines are shown as whole-line changes (guards against rewritten documents).
INTRALINE_BUDGET = 150_000
# Replace blocks up to this many line pairs are aligned by similarity.
_PAIRING_AREA = 400
_PAIRING_MIN_RATIO = 0.5


@dataclass(frozen=True)
class Segment:
    """A piece of text that is unchanged, inserted or deleted."""

    kind: SegmentKind
    text: str


@dataclass(frozen=True)
class Row:
    """One line of the side-by-side view (line numbers are 1-based)."""

    kind: RowKind
    old_no: int | None
    new_no: int | None
    old: tuple[Segment, ...]
    new: tuple[Segment, ...]


@dataclass(frozen=True)
class Skip:
    """Stands for ``count`` unchanged lines left out of the view."""

    count: int
    old_no: int  # first hidden line in the old revision (1-based)
    new_no: int
    kind: Literal["skip"] = "skip"


@dataclass(frozen=True)
class DiffStats:
    lines_added: int = 0
    lines_removed: int = 0
    chars_inserted: int = 0
    chars_deleted: int = 0

    @property
    def chars_changed(self) -> int:
        return self.chars_inserted + self.chars_deleted


@dataclass
class TextDiff:
    """Result of :func:`diff_revisions`.

    ``rows`` feed the side-by-side view; ``inline`` is the same change as one
    stream of segments (each line's text followed by its ``"\\n"``). Long runs
    of unchanged lines appear in both as a :class:`Skip`.
    """

    rows: list[Row | Skip] = field(default_factory=list)
    inline: list[Segment | Skip] = field(default_factory=list)
    stats: DiffStats = field(default_factory=DiffStats)

    @property
    def changed(self) -> bool:
        return self.stats.lines_added > 0 or self.stats.lines_removed > 0


def _lines(text: str) -> list[str]:
    # A missing newline at the end of the text is not shown as a change.
    lines = normalize_newlines(text).split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def diff_revisions(old: str, new: str, *, context: int = CONTEXT_LINES) -> TextDiff:
    """Compare two revisions line by line, then replaced lines by character/word."""
    old_lines, new_lines = _lines(old), _lines(new)
    # changed rows with their inline segments, and runs of unchanged lines
    full: list[tuple[Row, list[Segment]] | _EqualRun] = []
    added = removed = ins_chars = del_chars = 0
    budget = [INTRALINE_BUDGET]  # characters compared token by token, in all

    def delete_row(i: int) -> None:
        nonlocal removed, del_chars
        seg = Segment("delete", old_lines[i])
        removed += 1
        del_chars += len(old_lines[i])
        full.append((Row("delete", i + 1, None, (seg,), ()), [seg]))

    def insert_row(j: int) -> None:
        nonlocal added, ins_chars
        seg = Segment("insert", new_lines[j])
        added += 1
        ins_chars += len(new_lines[j])
        full.append((Row("insert", None, j + 1, (), (seg,)), [seg]))

    for tag, i1, i2, j1, j2 in opcodes(matching_blocks(old_lines, new_lines)):
        if tag == "equal":
            # rows for unchanged lines are only built for the context kept
            full.append(_EqualRun(i1, j1, i2 - i1))
        elif tag == "delete":
            for i in range(i1, i2):
                delete_row(i)
        elif tag == "insert":
            for j in range(j1, j2):
                insert_row(j)
        else:
            for i, j in _pair_lines(old_lines, i1, i2, new_lines, j1, j2):
                if j is None:
                    delete_row(i)
                elif i is None:
                    insert_row(j)
                else:
                    old_segs, new_segs, inline = _intraline(old_lines[i], new_lines[j], budget)
                    removed += 1
                    added += 1
                    del_chars += sum(len(s.text) for s in old_segs if s.kind == "delete")
                    ins_chars += sum(len(s.text) for s in new_segs if s.kind == "insert")
                    full.append((Row("replace", i + 1, j + 1, old_segs, new_segs), inline))

    result = TextDiff(stats=DiffStats(added, removed, ins_chars, del_chars))
    for item in _collapse(full, old_lines, context):
        if isinstance(item, Skip):
            result.rows.append(item)
            result.inline.append(item)
        else:
            row, inline = item
            result.rows.append(row)
            _extend(result.inline, inline)
            end = {"insert": "insert", "delete": "delete"}.get(row.kind, "equal")
            _extend(result.inline, [Segment(end, "\n")])
    return result


def _pair_lines(
    old: list[str], i1: int, i2: int, new: list[str], j1: int, j2: int
) -> list[tuple[int | None, int | None]]:
    """Align the lines of a replaced block: similar lines share a row."""
    n, m = i2 - i1, j2 - j1
    if n == m == 1:  # one paragraph edited: always show it as one row
        return [(i1, j1)]
    if n * m > _PAIRING_AREA:
        pairs: list[tuple[int | None, int | None]] = [(i1 + k, j1 + k) for k in range(min(n, m))]
        pairs += [(i, None) for i in range(i1 + min(n, m), i2)]
        pairs += [(None, j) for j in range(j1 + min(n, m), j2)]
        return pairs
    # Weighted LCS over the similarity of line pairs.
    sim = [[0.0] * m for _ in range(n)]
    for x in range(n):
        for y in range(m):
            r = SequenceMatcher(None, old[i1 + x], new[j1 + y], autojunk=False).quick_ratio()
            sim[x][y] = r if r >= _PAIRING_MIN_RATIO else 0.0
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for x in range(n - 1, -1, -1):
        for y in range(m - 1, -1, -1):
            take = sim[x][y] + best[x + 1][y + 1] if sim[x][y] else 0.0
            best[x][y] = max(take, best[x + 1][y], best[x][y + 1])
    pairs = []
    x = y = 0
    while x < n and y < m:
        if sim[x][y] and best[x][y] == sim[x][y] + best[x + 1][y + 1]:
            pairs.append((i1 + x, j1 + y))
            x += 1
            y += 1
        elif best[x][y] == best[x + 1][y]:
            pairs.append((i1 + x, None))
            x += 1
        else:
            pairs.append((None, j1 + y))
            y += 1
    pairs += [(i1 + k, None) for k in range(x, n)]
    pairs += [(None, j1 + k) for k in range(y, m)]
    return pairs


def _intraline(
    old: str, new: str, budget: list[int]
) -> tuple[tuple[Segment, ...], tuple[Segment, ...], list[Segment]]:
    """Segments of a replaced line: old side, new side, and inline."""
    # Trim the common ends by plain string comparison first: a small edit in
    # a very long line then costs no tokenising of the whole line.
    head = _token_boundary(old, new, _common_prefix(old, new))
    tail = _common_suffix(old[head:], new[head:])
    tail = len(old) - _token_boundary(old, new, len(old) - tail, from_end=True)
    a_mid, b_mid = old[head : len(old) - tail], new[head : len(new) - tail]
    if len(a_mid) + len(b_mid) > budget[0]:
        ops: list[tuple[OpTag, int, int, int, int]] = [("replace", 0, 1, 0, 1)]
        a, b = [a_mid], [b_mid]
    else:
        a, b = word_tokens(a_mid), word_tokens(b_mid)
        budget[0] -= len(a_mid) + len(b_mid)
        ops = _absorb_spaces(opcodes(matching_blocks(a, b)), a)
    old_segs: list[Segment] = []
    new_segs: list[Segment] = []
    inline: list[Segment] = []
    start = [Segment("equal", old[:head])]
    _extend(old_segs, start)
    _extend(new_segs, start)
    _extend(inline, start)
    for tag, i1, i2, j1, j2 in ops:
        old_text, new_text = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            _extend(old_segs, [Segment("equal", old_text)])
            _extend(new_segs, [Segment("equal", new_text)])
            _extend(inline, [Segment("equal", old_text)])
            continue
        if old_text:
            _extend(old_segs, [Segment("delete", old_text)])
            _extend(inline, [Segment("delete", old_text)])
        if new_text:
            _extend(new_segs, [Segment("insert", new_text)])
            _extend(inline, [Segment("insert", new_text)])
    if tail:
        end = Segment("equal", old[len(old) - tail :])
        _extend(old_segs, [end])
        _extend(new_segs, [end])
        _extend(inline, [end])
    return tuple(old_segs), tuple(new_segs), inline


def _common_prefix(a: str, b: str) -> int:
    # binary search with slice comparisons: runs at C speed on long lines
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str) -> int:
    lo, hi = 0, min(len(a), len(b))
    la, lb = len(a), len(b)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[la - mid : la - lo] == b[lb - mid : lb - lo]:
            lo = mid
        else:
            hi = mid - 1
    return lo


_WORD_CHAR_RE = re.compile(rf"[^\W_{_CJK}]")


def _char_class(c: str) -> int:
    """1 for whitespace other than newline, 2 for word characters, else 0."""
    if c != "\n" and c.isspace():
        return 1
    return 2 if _WORD_CHAR_RE.match(c) else 0


def _token_boundary(old: str, new: str, pos: int, from_end: bool = False) -> int:
    """Move a cut point in ``old`` out of a word or space run, so tokens stay whole.

    ``pos`` is an index into ``old``; with ``from_end`` the matching index in
    ``new`` is counted from the end.
    """
    shift = len(new) - len(old) if from_end else 0

    def joined(i: int) -> bool:
        # the characters on both sides of cut i belong to one token in either text
        for text, k in ((old, i), (new, i + shift)):
            if 0 < k < len(text):
                cls = _char_class(text[k - 1])
                if cls and cls == _char_class(text[k]):
                    return True
        return False

    if from_end:
        while pos < len(old) and joined(pos):
            pos += 1
    else:
        while pos > 0 and joined(pos):
            pos -= 1
    return pos


def _extend(segments: list, new: list[Segment]) -> None:
    """Append segments, joining neighbours of the same kind."""
    for seg in new:
        if not seg.text:
            continue
        last = segments[-1] if segments else None
        if isinstance(last, Segment) and last.kind == seg.kind:
            segments[-1] = Segment(seg.kind, last.text + seg.text)
        else:
            segments.append(seg)


@dataclass(frozen=True)
class _EqualRun:
    old_start: int  # 0-based
    new_start: int
    count: int


def _collapse(
    full: list[tuple[Row, list[Segment]] | _EqualRun], old_lines: list[str], context: int
) -> list:
    """Build the rows of unchanged runs: ``context`` lines around changes, a Skip between."""
    out: list = []
    last = len(full) - 1

    def rows(run: _EqualRun, start: int, stop: int) -> None:
        for k in range(start, stop):
            seg = Segment("equal", old_lines[run.old_start + k])
            no_old, no_new = run.old_start + k + 1, run.new_start + k + 1
            out.append((Row("equal", no_old, no_new, (seg,), (seg,)), [seg]))

    for pos, item in enumerate(full):
        if not isinstance(item, _EqualRun):
            out.append(item)
            continue
        keep_head = context if pos > 0 else 0
        keep_tail = context if pos < last else 0
        hidden = item.count - keep_head - keep_tail
        if hidden >= 2:
            rows(item, 0, keep_head)
            first = keep_head
            out.append(Skip(hidden, item.old_start + first + 1, item.new_start + first + 1))
            rows(item, item.count - keep_tail, item.count)
        else:
            rows(item, 0, item.count)
    return out


# --------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------

_TAGS = {
    "equal": ('<span class="diff-eq">', "</span>"),
    "insert": ('<ins class="diff-ins">', "</ins>"),
    "delete": ('<del class="diff-del">', "</del>"),
}


def _segments_html(segments: Sequence[Segment]) -> str:
    parts = []
    for seg in segments:
        start, end = _TAGS[seg.kind]
        parts.append(f"{start}{escape(seg.text)}{end}")
    return "".join(parts)


def _skip_html(skip: Skip, label: str, tag: str, colspan: int = 0) -> str:
    text = escape(label.format(n=skip.count))
    if colspan:
        return f'<tr class="diff-skip"><td colspan="{colspan}">{text}</td></tr>'
    return f'<{tag} class="diff-skip">{text}</{tag}>'


def render_inline_html(diff: TextDiff, *, skip_label: str = "{n} unchanged lines") -> Markup:
    """Inline view; style the container with ``white-space: pre-wrap``."""
    parts = ['<div class="diff diff-inline">']
    for item in diff.inline:
        if isinstance(item, Skip):
            parts.append(_skip_html(item, skip_label, "div"))
        else:
            parts.append(_segments_html([item]))
    parts.append("</div>")
    return Markup("".join(parts))


def render_side_by_side_html(diff: TextDiff, *, skip_label: str = "{n} unchanged lines") -> Markup:
    """Side-by-side table: old line number, old text, new line number, new text."""
    parts = ['<table class="diff diff-side-by-side"><tbody>']
    for row in diff.rows:
        if isinstance(row, Skip):
            parts.append(_skip_html(row, skip_label, "tr", colspan=4))
            continue
        old_no = "" if row.old_no is None else str(row.old_no)
        new_no = "" if row.new_no is None else str(row.new_no)
        parts.append(
            f'<tr class="diff-row diff-row-{row.kind}">'
            f'<td class="diff-lineno">{old_no}</td>'
            f'<td class="diff-old">{_segments_html(row.old)}</td>'
            f'<td class="diff-lineno">{new_no}</td>'
            f'<td class="diff-new">{_segments_html(row.new)}</td>'
            "</tr>"
        )
    parts.append("</tbody></table>")
    return Markup("".join(parts))
