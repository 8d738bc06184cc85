"""Footnotes: ``text[^1]`` with a definition ``[^1]: footnote text`` (pandoc's syntax).

In the body a footnote is numbered 1), 2)… through the document and printed
at the foot of its page (CSS ``float: footnote`` in WeasyPrint); inside a
table it is a table footnote a), b)… printed in the table's frame (see
``tables.py``); cited in a figure's notes (the 注 paragraphs right after a
figure, printed inside it) it is a figure footnote a), b)… printed below the
figure's title, as GB/T 1.1 places them. Nothing vanishes: a reference without a definition stays
visible as ``[^x]`` and a definition nobody cites prints where it was
written, each with a finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from drafting.standardtext.findings import Finding
from drafting.standardtext.structure import Structure

_REF_RE = re.compile(r"\[\^([^\]\s\^]{1,40})\]")
# An empty label too: "[^]: text" would otherwise be a link reference
# definition, which CommonMark drops from the output.
_DEF_RE = re.compile(r"\[\^([^\]\s\^]{0,40})\]:[ \t]*")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def footnote_def(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """``[^1]: text`` and the lines that follow it up to a blank line."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    pos = state.bMarks[start] + state.tShift[start]
    match = _DEF_RE.match(state.src, pos, state.eMarks[start])
    if match is None:
        return False
    if silent:
        return True
    lines = [state.src[match.end() : state.eMarks[start]]]
    line = start + 1
    # The definition goes on like a paragraph: up to a blank line or a line that
    # starts another block (a heading, a list, a fence…), which stays its own.
    terminators = state.md.block.ruler.getRules("paragraph")
    while line < end and not state.isEmpty(line):
        text = state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]
        if (
            _DEF_RE.match(text)
            or text.startswith("#.")  # a 条 without a heading starts a block of its own
            or any(rule(state, line, end, True) for rule in terminators)
        ):
            break
        lines.append(text)
        line += 1
    opener = state.push("footnote_def_open", "", 0)
    opener.meta["label"] = match.group(1)
    opener.map = [start, line]
    inline = state.push("inline", "", 0)
    inline.content = "\n".join(lines).strip()
    inline.map = [start, line]
    inline.children = []
    state.push("footnote_def_close", "", 0)
    state.line = line
    return True


def footnote_ref(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[^", state.pos):
        return False
    match = _REF_RE.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    if not silent:
        token = state.push("footnote_ref", "", 0)
        token.content = match.group(1)
    state.pos = match.end()
    return True


@dataclass(slots=True)
class FootnoteMark:
    """What a ``[^x]`` prints: ``kind`` is "page" (1), 2)…) or "table" (a), b)…)."""

    kind: str
    mark: str
    first: bool
    children: list[Token] | None


@dataclass(slots=True)
class TableFootnotes:
    """The footnotes of one table or figure, in the order they are first cited."""

    entries: list[tuple[str, list[Token]]] = field(default_factory=list)


def finish_footnotes(tokens: list[Token], structure: Structure) -> None:
    """Number every ``[^x]``, give each its definition, report the leftovers.

    Runs after inline parsing (and after references are resolved, so links
    inside a footnote work): each definition's inline children move to its
    opener's meta, where the renderer reads them at the citing spot.
    """
    definitions: dict[str, Token] = {}
    for i, token in enumerate(tokens):
        if token.type == "footnote_def_open":
            label = token.meta["label"]
            inline = tokens[i + 1]
            token.meta["children"] = inline.children or []
            inline.children = []
            line = token.map[0] + 1 if token.map else None
            if label in definitions:
                structure.findings.append(
                    Finding("footnote-duplicate", "error", None, line, {"label": label})
                )
                token.meta["unused"] = True
            else:
                definitions[label] = token
    cited: dict[str, str] = {}  # label → page mark
    page_count = 0
    table: Token | None = None  # the table (or figure) whose footnotes these are
    table_cited: dict[str, str] = {}
    in_figure = False
    for token in tokens:
        if token.type == "table_open":
            table, table_cited = token, {}
            token.meta["footnotes"] = TableFootnotes()
        elif token.type == "table_close":
            table = None
        elif token.type == "paragraph_open" and "figure" in token.meta:
            table, table_cited, in_figure = token, {}, True
            token.meta["footnotes"] = TableFootnotes()
        elif token.type == "paragraph_open" and in_figure:
            # The figure's notes belong to it; anything else ends it.
            if token.meta.get("note", ("",))[0] != "note":
                table, in_figure = None, False
        elif in_figure and token.level == 0 and token.type.endswith("_open"):
            table, in_figure = None, False
        if token.type != "inline" or not token.children:
            continue
        line = token.map[0] + 1 if token.map else None
        for child in token.children:
            if child.type != "footnote_ref":
                continue
            label = child.content
            definition = definitions.get(label)
            if definition is None:
                child.meta["mark"] = None
                scope = token.meta.get("scope")
                structure.findings.append(
                    Finding(
                        "footnote-undefined",
                        "error",
                        scope.number if scope is not None else None,
                        line,
                        {"label": label},
                    )
                )
                continue
            definition.meta["used"] = True
            children = definition.meta["children"]
            if table is not None:
                first = label not in table_cited
                if first:
                    notes: TableFootnotes = table.meta["footnotes"]
                    table_cited[label] = _LETTERS[len(notes.entries) % 26] + ")"
                    notes.entries.append((table_cited[label], children))
                child.meta["mark"] = FootnoteMark("table", table_cited[label], first, None)
            else:
                first = label not in cited
                if first:
                    page_count += 1
                    cited[label] = f"{page_count})"
                child.meta["mark"] = FootnoteMark("page", cited[label], first, children)
    for label, definition in definitions.items():
        if not definition.meta.get("used"):
            definition.meta["unused"] = True
            line = definition.map[0] + 1 if definition.map else None
            structure.findings.append(
                Finding("footnote-unused", "warning", None, line, {"label": label})
            )
