"""The redline of a standard: the new revision laid out as usual, with what changed marked.

The rule: both revisions are rendered by :func:`drafting.standardtext.render`
(sanitised HTML), cut into their top-level blocks (headings, paragraphs,
lists, notes, tables, figures, formulas), and the blocks are aligned (the
patience matcher of :mod:`drafting.core.textdiff`, then by similarity inside
a replaced stretch). A block that is the same is printed as it is. A changed
paragraph or list keeps the new block's markup; its text is compared token
by token (a CJK character, a Latin word, a space run, a punctuation mark),
inserted tokens are wrapped in ``<ins>`` and deleted ones in ``<del>`` at
their place. A changed table, figure or formula is printed twice: the old one
struck through, the new one underlined. Added and deleted blocks are wholly
underlined or struck; each changed block has a bar in the margin and each
clause with a change a 修改 / 新增 / 删除 mark beside its heading.

Text is only ever compared as rendered text and written back escaped: the
HTML that comes out holds the sanitiser's markup, our own ``ins``/``del``/
``div`` and the formulas' SVG, never anything typed by a user.

:func:`clause_rows` compares the same alignment clause by clause, for the
条文对照表.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Literal

from drafting.core.textdiff import absorb_spaces, matching_blocks, opcodes, word_tokens
from drafting.export.assemble import (
    LayoutOptions,
    environment,
    print_attachment_url,
    render_document,
)
from drafting.export.errors import ExportError
from drafting.export.fetcher import Attachment
from drafting.export.job import MAX_TABLE_ROWS
from drafting.export.meta import DocumentMeta
from drafting.standardtext import Heading, Rendered, Section, render
from drafting.standardtext.foreword import Block as ForewordBlock

__all__ = [
    "ROW_KIND_LABELS",
    "ClauseRow",
    "HtmlJob",
    "RedlineJob",
    "TableLine",
    "RevisionLabel",
    "clause_rows",
    "clause_table_html",
    "compare",
    "cover_line",
    "redline_html",
]

# --------------------------------------------------------------------------
# A small tree of the sanitised HTML
# --------------------------------------------------------------------------

_VOID = frozenset(
    "area base br col embed hr img input link meta source track wbr".split()  # noqa: SIM905
)
#: Elements shown but never compared word by word: the formulas' drawings,
#: images, footnote calls. One token each (a digest of their markup).
_ATOM_TAGS = frozenset({"svg", "img", "br"})
_ATOM_CLASSES = frozenset({"math", "fn-call", "image-placeholder"})
#: Numbers the renderer gives (they shift when a clause is added): printed
#: as in the new revision, left out of the comparison.
_FIXED_CLASSES = frozenset({"num", "caption-cont", "annex-label", "fn-mark"})
#: Blocks compared as a whole: a changed one is shown old struck, new underlined.
_WHOLE_TAGS = frozenset({"table", "figure", "pre"})
_WHOLE_CLASSES = frozenset({"formula"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: Private-use character that starts an atom's token (never in rendered text).
_ATOM_MARK = "\ue000"
#: What an atom reads as in the 条文对照表.
_ATOM_TEXT = {"svg": "［公式］", "img": "［图］", "br": "\n"}

#: Characters compared token by token in one redline, in all; beyond it a
#: changed block is shown old struck, new underlined (guards against
#: rewritten documents, as the diff page does).
INLINE_BUDGET = 400_000
_PAIRING_AREA = 400
_PAIRING_MIN_RATIO = 0.5
_HEADING_MIN_RATIO = 0.6


@dataclass(eq=False)
class _Node:
    tag: str
    attrs: list[tuple[str, str | None]]
    raw: str  # the start tag as the sanitiser (or the formula drawer) wrote it
    children: list[_Node | str] = field(default_factory=list)
    closed: bool = False  # written as <x/>: no end tag
    in_svg: bool = False

    @property
    def classes(self) -> set[str]:
        return set((dict(self.attrs).get("class") or "").split())

    @property
    def id(self) -> str | None:
        return dict(self.attrs).get("id")

    def is_atom(self) -> bool:
        return self.tag in _ATOM_TAGS or bool(self.classes & _ATOM_CLASSES)

    def is_fixed(self) -> bool:
        return bool(self.classes & _FIXED_CLASSES)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", [], "")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        parent = self.stack[-1]
        in_svg = parent.in_svg or tag == "svg"
        node = _Node(tag, attrs, self.get_starttag_text() or f"<{tag}>", in_svg=in_svg)
        parent.children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        parent = self.stack[-1]
        node = _Node(tag, attrs, self.get_starttag_text() or f"<{tag}/>", closed=True)
        node.in_svg = parent.in_svg or tag == "svg"
        parent.children.append(node)

    def handle_endtag(self, tag: str) -> None:
        for k in range(len(self.stack) - 1, 0, -1):
            if self.stack[k].tag == tag:
                del self.stack[k:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _parse(html: str) -> list[_Node | str]:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root.children


def _start(node: _Node, *, drop_id: bool = False, add_class: str = "") -> str:
    """The start tag: as written, or rebuilt (escaped) without its id / with a class."""
    if node.in_svg or not (add_class or (drop_id and node.id is not None)):
        return node.raw
    parts = [node.tag]
    attrs = [(k, v) for k, v in node.attrs if not (drop_id and k == "id")]
    if add_class:
        classes = " ".join(filter(None, [dict(attrs).get("class"), add_class]))
        attrs = [(k, v) for k, v in attrs if k != "class"] + [("class", classes)]
    for key, value in attrs:
        parts.append(key if value is None else f'{key}="{escape(value)}"')
    return "<" + " ".join(parts) + (" />" if node.closed else ">")


def _end(node: _Node) -> str:
    return "" if node.closed or node.tag in _VOID else f"</{node.tag}>"


def _html(item: _Node | str, *, drop_id: bool = False) -> str:
    if isinstance(item, str):
        return escape(item, quote=False)
    inner = "".join(_html(child, drop_id=drop_id) for child in item.children)
    return _start(item, drop_id=drop_id) + inner + _end(item)


def _atom_token(node: _Node) -> str:
    return _ATOM_MARK + hashlib.sha1(_html(node).encode(), usedforsecurity=False).hexdigest()[:12]


def _atom_text(node: _Node) -> str:
    if node.tag in _ATOM_TEXT:
        return _ATOM_TEXT[node.tag]
    if "math" in node.classes:
        return _ATOM_TEXT["svg"]
    return "".join(_text(child, atoms_as_text=True) for child in node.children)


def _tokens(item: _Node | str) -> Iterator[tuple[str, _Node | None]]:
    """The tokens compared, in order: (token, atom node or None)."""
    if isinstance(item, str):
        for token in word_tokens(item):
            yield token, None
        return
    if item.is_fixed():
        return
    if item.is_atom():
        yield _atom_token(item), item
        return
    for child in item.children:
        yield from _tokens(child)


def _text(item: _Node | str, *, atoms_as_text: bool = False) -> str:
    """Plain text without the numbers; atoms as their token (or a label)."""
    if isinstance(item, str):
        return item
    if item.is_fixed():
        return ""
    if item.is_atom():
        return _atom_text(item) if atoms_as_text else _atom_token(item)
    return "".join(_text(child, atoms_as_text=atoms_as_text) for child in item.children)


# --------------------------------------------------------------------------
# Units: the blocks compared
# --------------------------------------------------------------------------

UnitKind = Literal["heading", "text", "whole"]


@dataclass(eq=False)
class _Unit:
    node: _Node
    kind: UnitKind
    key: str
    section: int  # index into the revision's sections
    clause: int  # index of the unit that opened its clause (its heading), -1 before any
    number: str = ""  # heading units: "4.2", "附录A", "前言"
    title: str = ""
    _compared: str | None = None
    _counts: Counter[str] | None = None

    @property
    def text(self) -> str:
        return " ".join(_text(self.node, atoms_as_text=True).split())

    @property
    def compared(self) -> str:
        """The text compared for similarity (computed once)."""
        if self._compared is None:
            self._compared = " ".join(_text(self.node).split())
        return self._compared

    @property
    def counts(self) -> Counter[str]:
        if self._counts is None:
            self._counts = Counter(self.compared)
        return self._counts


def _unit_kind(node: _Node) -> UnitKind:
    if node.tag in _HEADINGS or "clause-headless" in node.classes:
        return "heading"
    if node.tag in _WHOLE_TAGS or node.classes & _WHOLE_CLASSES:
        return "whole"
    return "text"


def _units(rendered: Rendered, sections: list[int], headings: Mapping[str, Heading]) -> list[_Unit]:
    units: list[_Unit] = []
    clause = -1
    for index in sections:
        section = rendered.sections[index]
        for item in _parse(section.heading_html + section.body_html):
            if isinstance(item, str):
                if item.strip():  # loose text at the top level: keep it as a paragraph
                    item = _Node("p", [], "<p>", [item])
                else:
                    continue
            kind = _unit_kind(item)
            unit = _Unit(item, kind, "", index, clause)
            if kind == "heading":
                clause = unit.clause = len(units)
                heading = headings.get(item.id or "")
                if heading is not None:
                    unit.number = heading.display_number or heading.title
                    unit.title = heading.title
                else:
                    unit.title = unit.text
                # the number shifts when a clause is added: compare the title
                unit.key = f"{item.tag}|{_text(item)}"
            else:
                unit.key = f"{item.tag}.{'.'.join(sorted(item.classes))}|{_text(item)}"
            units.append(unit)
    return units


def _foreword_units(section: Section | None, number: str) -> list[_Unit]:
    units: list[_Unit] = []
    for k, block in enumerate(section.blocks if section is not None else []):
        nodes = [n for n in _parse(block.html) if isinstance(n, _Node)]
        node = nodes[0] if len(nodes) == 1 else _Node("div", [], "<div>", list(nodes))
        units.append(_Unit(node, "text", f"{node.tag}|{_text(node)}", k, -1, number))
    return units


# --------------------------------------------------------------------------
# Alignment
# --------------------------------------------------------------------------

PairKind = Literal["equal", "changed", "inserted", "deleted"]


@dataclass(eq=False)
class _Pair:
    kind: PairKind
    old: _Unit | None
    new: _Unit | None


def _similar(a: _Unit, b: _Unit) -> float:
    if a.kind != b.kind or (a.kind != "text" and a.node.tag != b.node.tag):
        return 0.0
    total = len(a.compared) + len(b.compared)
    if not total:
        return 1.0
    # difflib's quick_ratio (shared characters), from counts made once per unit
    ratio = 2.0 * sum((a.counts & b.counts).values()) / total
    if a.kind == "heading":
        # Titles are short: "环境要求" and "安全要求" share half their characters
        # and are still two different clauses.
        if ratio < _HEADING_MIN_RATIO:
            return 0.0
        ratio = SequenceMatcher(None, a.compared, b.compared, autojunk=False).ratio()
        return ratio if ratio >= _HEADING_MIN_RATIO else 0.0
    return ratio if ratio >= _PAIRING_MIN_RATIO else 0.0


def _pair(old: list[_Unit], new: list[_Unit]) -> list[_Pair]:
    """Pair the units of a replaced stretch: similar ones are one changed pair."""
    n, m = len(old), len(new)
    if n == m == 1 and old[0].kind == new[0].kind:
        return [_Pair("changed", old[0], new[0])]
    if n * m > _PAIRING_AREA:
        sim = None
    else:
        sim = [[_similar(a, b) for b in new] for a in old]
    if sim is None:
        out = []
        for k in range(max(n, m)):
            a, b = (old[k] if k < n else None), (new[k] if k < m else None)
            if a is not None and b is not None and a.kind == b.kind:
                out.append(_Pair("changed", a, b))
            else:
                if a is not None:
                    out.append(_Pair("deleted", a, None))
                if b is not None:
                    out.append(_Pair("inserted", None, b))
        return out
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for x in range(n - 1, -1, -1):
        for y in range(m - 1, -1, -1):
            take = sim[x][y] + best[x + 1][y + 1] if sim[x][y] else 0.0
            best[x][y] = max(take, best[x + 1][y], best[x][y + 1])
    out, x, y = [], 0, 0
    while x < n and y < m:
        if sim[x][y] and best[x][y] == sim[x][y] + best[x + 1][y + 1]:
            out.append(_Pair("changed", old[x], new[y]))
            x, y = x + 1, y + 1
        elif best[x][y] == best[x + 1][y]:
            out.append(_Pair("deleted", old[x], None))
            x += 1
        else:
            out.append(_Pair("inserted", None, new[y]))
            y += 1
    out += [_Pair("deleted", old[k], None) for k in range(x, n)]
    out += [_Pair("inserted", None, new[k]) for k in range(y, m)]
    return out


def _align(old: list[_Unit], new: list[_Unit]) -> list[_Pair]:
    pairs: list[_Pair] = []
    blocks = matching_blocks([u.key for u in old], [u.key for u in new])
    for tag, i1, i2, j1, j2 in opcodes(blocks):
        if tag == "equal":
            pairs += [_Pair("equal", old[i1 + k], new[j1 + k]) for k in range(i2 - i1)]
        elif tag == "delete":
            pairs += [_Pair("deleted", u, None) for u in old[i1:i2]]
        elif tag == "insert":
            pairs += [_Pair("inserted", None, u) for u in new[j1:j2]]
        else:
            pairs += _pair(old[i1:i2], new[j1:j2])
    return pairs


# --------------------------------------------------------------------------
# Marked HTML
# --------------------------------------------------------------------------

_MARK_LABELS = {"changed": "修改", "inserted": "新增", "deleted": "删除"}


def _wrapped(item: _Node | str, tag: str, *, drop_id: bool) -> str:
    """The item with every piece of its text (and every atom) inside ``tag``."""
    css = "rl-ins" if tag == "ins" else "rl-del"
    if isinstance(item, str):
        if not item:
            return ""
        return f'<{tag} class="{css}">{escape(item, quote=False)}</{tag}>'
    if item.is_fixed():
        return _html(item, drop_id=drop_id)
    if item.is_atom():
        return f'<{tag} class="{css}">{_html(item, drop_id=drop_id)}</{tag}>'
    inner = "".join(_wrapped(child, tag, drop_id=drop_id) for child in item.children)
    return _start(item, drop_id=drop_id) + inner + _end(item)


class _InlineDiff:
    """Writes the new block with its changed tokens marked, deletions at their place."""

    def __init__(self, old: _Node, new: _Node) -> None:
        self.old_tokens = list(_tokens(old))
        new_tokens = list(_tokens(new))
        a = [t for t, _ in self.old_tokens]
        b = [t for t, _ in new_tokens]
        self.inserted = [False] * len(b)
        self.deletions: dict[int, list[tuple[int, int]]] = {}
        ops = absorb_spaces(opcodes(matching_blocks(a, b)), a)
        for tag, i1, i2, j1, j2 in ops:
            if tag in ("replace", "delete"):
                self.deletions.setdefault(j1, []).append((i1, i2))
            if tag in ("replace", "insert"):
                for j in range(j1, j2):
                    self.inserted[j] = True
        self.position = 0

    def _deleted_html(self, j: int) -> str:
        parts = []
        for i1, i2 in self.deletions.pop(j, []):
            text = []
            for token, atom in self.old_tokens[i1:i2]:
                text.append(_html(atom, drop_id=True) if atom is not None else escape(token))
            parts.append(f'<del class="rl-del">{"".join(text)}</del>')
        return "".join(parts)

    def write(self, item: _Node | str) -> str:
        if isinstance(item, str):
            out: list[str] = []
            run: list[str] = []
            run_inserted = False
            for token in word_tokens(item):
                j = self.position
                deleted = self._deleted_html(j)
                if deleted or self.inserted[j] != run_inserted:
                    out.append(self._run(run, run_inserted))
                    run = []
                    out.append(deleted)
                    run_inserted = self.inserted[j]
                run.append(token)
                self.position += 1
            out.append(self._run(run, run_inserted))
            return "".join(out)
        if item.is_fixed():
            return _html(item)
        if item.is_atom():
            j = self.position
            self.position += 1
            deleted = self._deleted_html(j)
            if self.inserted[j]:
                return f'{deleted}<ins class="rl-ins">{_html(item)}</ins>'
            return deleted + _html(item)
        return _start(item) + "".join(self.write(child) for child in item.children) + _end(item)

    @staticmethod
    def _run(tokens: list[str], inserted: bool) -> str:
        if not tokens:
            return ""
        text = escape("".join(tokens), quote=False)
        return f'<ins class="rl-ins">{text}</ins>' if inserted else text

    def block(self, node: _Node, add_class: str) -> str:
        inner = "".join(self.write(child) for child in node.children)
        return (
            _start(node, add_class=add_class)
            + inner
            + self._deleted_html(self.position)
            + _end(node)
        )


def _label(kind: PairKind) -> str:
    return f' data-rl="{_MARK_LABELS[kind]}"'


def _struck(node: _Node, kind: UnitKind) -> str:
    """A deleted block: struck through, without ids (the new text owns them)."""
    if kind == "heading":
        level = node.tag if node.tag in _HEADINGS else "p"
        inner = "".join(_wrapped(child, "del", drop_id=True) for child in node.children)
        return f'<div class="rl-block rl-deleted rl-heading rl-{level}"{_label("deleted")}>{inner}</div>'
    return (
        f'<div class="rl-block rl-deleted">{_wrapped(node, "del", drop_id=True)}</div>'
        if kind == "whole"
        else _wrapped_block(node, "del", "rl-block rl-deleted")
    )


def _wrapped_block(node: _Node, tag: str, css: str) -> str:
    inner = "".join(_wrapped(child, tag, drop_id=tag == "del") for child in node.children)
    return _start(node, drop_id=tag == "del", add_class=css) + inner + _end(node)


def _underlined(node: _Node, kind: UnitKind) -> str:
    if kind == "whole":
        return f'<div class="rl-block rl-inserted">{_wrapped(node, "ins", drop_id=False)}</div>'
    css = "rl-block rl-inserted" + (" rl-clause-mark" if kind == "heading" else "")
    html = _wrapped_block(node, "ins", css)
    if kind == "heading":
        html = html.replace(">", _label("inserted") + ">", 1)
    return html


class _Writer:
    def __init__(self) -> None:
        self.budget = INLINE_BUDGET

    def pair_html(self, pair: _Pair, clause_changed: bool) -> str:
        if pair.kind == "deleted":
            assert pair.old is not None
            return _struck(pair.old.node, pair.old.kind)
        assert pair.new is not None
        unit = pair.new
        if pair.kind == "inserted":
            return _underlined(unit.node, unit.kind)
        if pair.kind == "equal":
            if unit.kind == "heading" and clause_changed:
                html = _html(unit.node)
                return (
                    _start(unit.node, add_class="rl-clause-mark").replace(
                        ">", _label("changed") + ">", 1
                    )
                    + html[len(unit.node.raw) :]
                )
            return _html(unit.node)
        assert pair.old is not None
        size = len(_text(pair.old.node)) + len(_text(unit.node))
        if unit.kind == "whole" or size > self.budget:
            return _struck(pair.old.node, "whole" if unit.kind == "whole" else pair.old.kind) + (
                _underlined(unit.node, "whole" if unit.kind == "whole" else unit.kind)
            )
        self.budget -= size
        css = "rl-block rl-changed" + (" rl-clause-mark" if unit.kind == "heading" else "")
        html = _InlineDiff(pair.old.node, unit.node).block(unit.node, css)
        if unit.kind == "heading":
            html = html.replace(">", _label("changed") + ">", 1)
        return html


def _changed_clauses(pairs: list[_Pair]) -> set[int]:
    """Indexes (in the new units) of the headings whose clause has a change."""
    changed: set[int] = set()
    last_new_clause = -1
    for pair in pairs:
        if pair.new is not None:
            last_new_clause = pair.new.clause
        if pair.kind != "equal" and last_new_clause >= 0:
            changed.add(last_new_clause)
    return changed


# --------------------------------------------------------------------------
# The comparison and the document
# --------------------------------------------------------------------------


@dataclass
class Comparison:
    """Both revisions rendered and aligned (what :func:`compare` returns)."""

    old: Rendered
    new: Rendered
    foreword: list[_Pair]
    body: list[_Pair]
    body_sections: list[int]  # indexes of the new revision's non-foreword sections

    @property
    def changed(self) -> bool:
        return any(p.kind != "equal" for p in self.foreword + self.body)


def _headings(rendered: Rendered) -> dict[str, Heading]:
    return {h.anchor: h for h in rendered.outline}


def compare(
    old_text: str, new_text: str, *, attachments: Collection[str] | None = None
) -> Comparison:
    """Render both texts and align their blocks."""
    old = render(old_text, attachment_url=print_attachment_url, attachments=attachments)
    new = render(new_text, attachment_url=print_attachment_url, attachments=attachments)
    old_front = _first_foreword(old)
    new_front = _first_foreword(new)
    foreword = _align(
        _foreword_units(old.sections[old_front] if old_front is not None else None, "前言"),
        _foreword_units(new.sections[new_front] if new_front is not None else None, "前言"),
    )
    old_body = [k for k in range(len(old.sections)) if k != old_front]
    new_body = [k for k in range(len(new.sections)) if k != new_front]
    body = _align(_units(old, old_body, _headings(old)), _units(new, new_body, _headings(new)))
    return Comparison(old, new, foreword, body, new_body)


def _first_foreword(rendered: Rendered) -> int | None:
    for k, section in enumerate(rendered.sections):
        if section.kind == "foreword":
            return k
    return None


def _marked_rendered(comparison: Comparison) -> Rendered:
    """The new revision's Rendered with every section's HTML replaced by the marked one."""
    writer = _Writer()
    new = comparison.new
    sections = list(new.sections)
    front = _first_foreword(new)
    if front is not None:
        blocks = []
        new_blocks = sections[front].blocks
        for pair in comparison.foreword:
            html = writer.pair_html(pair, False)
            unit = pair.new or pair.old
            assert unit is not None
            source = (new_blocks if pair.new is not None else []) or []
            if pair.new is not None and unit.section < len(source):
                original = source[unit.section]
                blocks.append(replace(original, html=html))
            else:
                blocks.append(ForewordBlock(unit.text, html, 0, None))
        sections[front] = replace(sections[front], blocks=blocks)
    changed = _changed_clauses(comparison.body)
    parts: dict[int, list[str]] = {k: [] for k in comparison.body_sections}
    current = comparison.body_sections[0] if comparison.body_sections else None
    orphans: list[str] = []
    if front is None:  # the new text has no 前言: the old one's, struck, opens the body
        for pair in comparison.foreword:
            (orphans if current is None else parts[current]).append(writer.pair_html(pair, False))
    for pair in comparison.body:
        if pair.new is not None:
            current = pair.new.section
        clause_changed = pair.new is not None and pair.new.clause in changed
        html = writer.pair_html(pair, clause_changed and pair.new.kind == "heading")
        if current is None:
            orphans.append(html)
        else:
            parts[current].append(html)
    for k in comparison.body_sections:
        sections[k] = replace(sections[k], heading_html="", body_html="\n".join(parts[k]) + "\n")
    if orphans:  # everything after the foreword was deleted
        sections.append(Section("clause", None, "", "\n".join(orphans)))
    return replace(new, sections=sections)


@dataclass(frozen=True)
class RevisionLabel:
    """How the cover names a compared revision: 第 3 版（征求意见稿，2026-05-01）."""

    number: int
    stage: str
    date: str

    def __str__(self) -> str:
        inside = "，".join(x for x in (self.stage, self.date) if x)
        return f"第 {self.number} 版" + (f"（{inside}）" if inside else "")


def cover_line(old: RevisionLabel, new: RevisionLabel) -> str:
    return f"比较：{old} → {new}"


_COVER_ANCHOR = '<div class="cover-bottom">'
_BODY_RE = re.compile(r"<body[^>]*>")


def redline_html(
    meta: DocumentMeta,
    old_text: str,
    new_text: str,
    *,
    cover: str,
    options: LayoutOptions | None = None,
    static_url: str = "static/",
    attachments: Collection[str] | None = None,
    max_table_rows: int = MAX_TABLE_ROWS,
) -> str:
    """The print HTML of the new revision with the changes since the old one marked."""
    comparison = compare(old_text, new_text, attachments=attachments)
    for rendered in (comparison.old, comparison.new):
        for table in rendered.tables:
            if table.rows > max_table_rows:
                raise ExportError(
                    f"表{table.number}有{table.rows}行，超过导出上限{max_table_rows}行。"
                    f" / Table {table.number} has {table.rows} rows, more than an export allows.",
                    code="table-too-large",
                )
    html = render_document(
        meta,
        _marked_rendered(comparison),
        for_print=True,
        options=options or LayoutOptions(),
        static_url=static_url,
    )
    stylesheet = f'<link rel="stylesheet" href="{escape(static_url)}export/redline.css">\n</head>'
    html = html.replace("</head>", stylesheet, 1)
    line = f'<p class="cover-redline">{escape(cover)}</p>\n'
    if _COVER_ANCHOR in html:
        return html.replace(_COVER_ANCHOR, line + _COVER_ANCHOR, 1)
    return _BODY_RE.sub(lambda m: m.group(0) + line, html, count=1)


# --------------------------------------------------------------------------
# The 条文对照表
# --------------------------------------------------------------------------

RowKind = Literal["changed", "added", "removed"]


@dataclass(frozen=True)
class ClauseRow:
    """One clause that changed: its numbers on both sides and its own text (no subclauses)."""

    kind: RowKind
    old_number: str
    new_number: str
    old_text: str
    new_text: str

    @property
    def number(self) -> str:
        """The clause as the table cites it: the new number, "（原4.3）" when it moved."""
        if not self.new_number:
            return self.old_number
        if self.old_number and self.old_number != self.new_number:
            return f"{self.new_number}（原{self.old_number}）"
        return self.new_number


@dataclass
class _Clause:
    old: int | None = None  # heading unit index on each side (-1: before any heading)
    new: int | None = None
    old_units: list[_Unit] = field(default_factory=list)
    new_units: list[_Unit] = field(default_factory=list)
    changed: bool = False


def _clause_text(units: list[_Unit]) -> str:
    lines = []
    for unit in units:
        if unit.kind == "heading":
            lines.append(unit.title if unit.number != unit.title else "")
            if unit.node.tag not in _HEADINGS:  # a 条 without a heading: its text
                lines[-1] = unit.text
        else:
            lines.append(unit.text)
    return "\n".join(line for line in lines if line)


def clause_rows(comparison: Comparison) -> list[ClauseRow]:
    """The changed clauses, in the order of the new text (deleted ones where they were)."""
    clauses: list[_Clause] = []
    by_old: dict[int, _Clause] = {}
    by_new: dict[int, _Clause] = {}
    # Clauses are opened by heading pairs (and one for the text before any heading).
    front = _Clause(old=-2, new=-2)
    clauses.append(front)
    for pair in comparison.body:
        old_head = pair.old is not None and pair.old.kind == "heading"
        new_head = pair.new is not None and pair.new.kind == "heading"
        if not (old_head or new_head):
            continue
        clause = _Clause()
        if old_head and pair.old is not None:
            clause.old = pair.old.clause
            by_old[pair.old.clause] = clause
        if new_head and pair.new is not None:
            clause.new = pair.new.clause
            by_new[pair.new.clause] = clause
        clauses.append(clause)
    for pair in comparison.body:
        owners = []
        if pair.old is not None:
            owner = by_old.get(pair.old.clause, front)
            owner.old_units.append(pair.old)
            owners.append(owner)
        if pair.new is not None:
            owner = by_new.get(pair.new.clause, front)
            owner.new_units.append(pair.new)
            owners.append(owner)
        if pair.kind != "equal":
            for owner in owners:
                owner.changed = True
    front_old = [p.old for p in comparison.foreword if p.old is not None]
    front_new = [p.new for p in comparison.foreword if p.new is not None]
    rows = []
    if any(p.kind != "equal" for p in comparison.foreword):
        rows.append(
            ClauseRow("changed", "前言", "前言", _clause_text(front_old), _clause_text(front_new))
        )
    for clause in clauses:
        if not clause.changed:
            continue
        old_number = _number(clause.old_units)
        new_number = _number(clause.new_units)
        kind: RowKind = "changed"
        if not clause.new_units:
            kind = "removed"
        elif not clause.old_units:
            kind = "added"
        rows.append(
            ClauseRow(
                kind,
                old_number,
                new_number,
                _clause_text(clause.old_units),
                _clause_text(clause.new_units),
            )
        )
    return rows


def _number(units: list[_Unit]) -> str:
    for unit in units:
        if unit.kind == "heading":
            return unit.number
    return ""


# --------------------------------------------------------------------------
# The job the export worker runs
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class RedlineJob:
    """A redline PDF, made in an export worker process (see ``job.run_job``)."""

    meta: dict[str, Any]
    old_text: str
    new_text: str
    cover: str
    attachments: dict[str, bytes | str] = field(default_factory=dict)
    options: LayoutOptions = field(default_factory=LayoutOptions)
    max_table_rows: int = MAX_TABLE_ROWS

    @classmethod
    def make(
        cls,
        meta: DocumentMeta,
        old_text: str,
        new_text: str,
        *,
        cover: str,
        attachments: Mapping[str, Attachment] | None = None,
        options: LayoutOptions | None = None,
    ) -> RedlineJob:
        return cls(
            meta=meta.to_dict(),
            old_text=old_text,
            new_text=new_text,
            cover=cover,
            attachments={
                k: str(v) if isinstance(v, Path) else bytes(v)
                for k, v in (attachments or {}).items()
            },
            options=options or LayoutOptions(),
        )

    @property
    def text(self) -> str:
        """What the pool's length limit counts: both texts."""
        return self.old_text + self.new_text

    def html(self) -> str:
        return redline_html(
            DocumentMeta.from_dict(self.meta),
            self.old_text,
            self.new_text,
            cover=self.cover,
            options=self.options,
            attachments=self.attachments.keys(),
            max_table_rows=self.max_table_rows,
        )


@dataclass(frozen=True)
class HtmlJob:
    """Any finished print HTML (the 条文对照表) made into a PDF by an export worker."""

    html_text: str
    attachments: dict[str, bytes | str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.html_text

    def html(self) -> str:
        return self.html_text


# --------------------------------------------------------------------------
# The 条文对照表 as print HTML
# --------------------------------------------------------------------------

#: How the table names each kind of row.
ROW_KIND_LABELS: dict[str, str] = {"changed": "修改", "added": "新增", "removed": "删除"}


@dataclass(frozen=True)
class TableLine:
    """One printed row of the 条文对照表 (the reason comes from the comment resolutions)."""

    number: str
    kind: str
    old_text: str
    new_text: str
    reason: str = ""


def clause_table_html(
    meta: DocumentMeta, cover: str, lines: Sequence[TableLine], *, static_url: str = "static/"
) -> str:
    """The 条文对照表 as an A4 landscape HTML document (every value escaped by the template)."""
    template = environment().get_template("export/clause_table.html")
    return template.render(
        meta=meta,
        cover=cover,
        lines=lines,
        kind_labels=ROW_KIND_LABELS,
        static_url=static_url,
    )
