"""Checks of a standard's text against GB/T 1.1-2020.

Structure (mandatory elements, their order, annex nature, heading depth,
hanging paragraphs), verbal forms (必须 / 不得 / 不可 / must; no requirements in
the foreword) and references. Every finding's sentence is in ``messages.py``.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from markdown_it.token import Token

from drafting.standardtext.findings import Finding
from drafting.standardtext.foreword import foreword_findings
from drafting.standardtext.model import Heading
from drafting.standardtext.render import Analysis, analyze, foreword_blocks, parser
from drafting.standardtext.structure import squash
from drafting.standardtext.verbalforms import CAN, FORBIDDEN, MAY, SHALL, SHOULD, scan

_ORDER = {
    "foreword": 1,
    "introduction": 2,
    "clause": 3,
    "annex": 4,
    "bibliography": 5,
    "index": 6,
}
_ANNEX_MENTION_RE = re.compile(r"附录\s*([A-Z])(?![A-Za-z])")
_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True, slots=True)
class VerbalFormCount:
    """How often a clause uses each verbal form."""

    clause: str | None
    element: str
    title: str
    shall: int = 0
    should: int = 0
    may: int = 0
    can: int = 0


@dataclass(frozen=True, slots=True)
class ConflictBlock:
    """A merge conflict left in the text: lines ``start``–``end`` (1-based),
    with the marker lines and their markers in order."""

    start: int
    end: int
    marker_lines: tuple[int, ...]
    markers: tuple[str, ...]


_MARKERS = ("<<<<<<<", "|||||||", "=======", ">>>>>>>")


def conflict_blocks(text: str) -> list[ConflictBlock]:
    """The conflict blocks (``<<<<<<<`` … ``>>>>>>>``) still in ``text``.

    ``|||||||`` and ``=======`` count as markers only inside a block: a lone
    ``=======`` is a Markdown heading underline.
    """
    blocks: list[ConflictBlock] = []
    open_block: list[tuple[int, str]] = []
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        marker = next((m for m in _MARKERS if line.startswith(m)), None)
        if marker == "<<<<<<<":
            open_block = [(number, marker)]
        elif marker in ("|||||||", "=======") and open_block:
            open_block.append((number, marker))
        elif marker == ">>>>>>>" and open_block:
            open_block.append((number, marker))
            blocks.append(
                ConflictBlock(
                    open_block[0][0],
                    number,
                    tuple(n for n, _ in open_block),
                    tuple(m for _, m in open_block),
                )
            )
            open_block = []
    return blocks


def run_checks(
    text: str,
    *,
    attachments: Collection[str] | None = None,
    include_counts: bool = False,
    known_patents: bool = False,
) -> list[Finding]:
    """All findings for ``text``, in document order (errors first on a line).

    ``attachments`` (names), when given, also reports images that name no
    attachment. ``known_patents`` (a document setting) means the foreword
    must state the patents itself. ``include_counts`` adds one info finding per clause with its
    应/宜/可/能 counts (see also :func:`verbal_form_counts`).
    """
    blocks = conflict_blocks(text)
    if blocks:
        # Check the text without its marker lines (kept blank, so line numbers
        # hold): a "=======" line would otherwise make the line above it a
        # chapter heading and give a misleading finding about chapters.
        lines = text.split("\n")
        for block in blocks:
            for number in block.marker_lines:
                lines[number - 1] = ""
        text = "\n".join(lines)
    analysis = analyze(text, attachments=attachments)
    structure = analysis.structure
    findings = [
        Finding(
            "conflict-markers",
            "error",
            None,
            block.start,
            {
                "start": block.start,
                "end": block.end,
                "lines": list(block.marker_lines),
                "markers": list(block.markers),
            },
        )
        for block in blocks
    ]
    findings += structure.findings
    findings += _structure_findings(structure.headings)
    findings += [
        Finding("reference-unresolved", "error", ref.clause, ref.line, {"target": ref.target})
        for ref in structure.references
        if not ref.resolved
    ]
    findings += _foreword_findings(analysis, known_patents)
    text_findings, counts, mentioned = _scan_text(analysis)
    findings += text_findings
    findings += _annex_reference_findings(analysis, mentioned)
    if include_counts:
        findings += [
            Finding(
                "verbal-form-count",
                "info",
                count.clause,
                None,
                {
                    "element": count.element,
                    "shall": count.shall,
                    "should": count.should,
                    "may": count.may,
                    "can": count.can,
                },
            )
            for count in counts
            if count.shall or count.should or count.may or count.can
        ]
    findings.sort(key=lambda f: (f.line or 0, _SEVERITY_RANK[f.severity]))
    return findings


def _foreword_findings(analysis: Analysis, known_patents: bool) -> list[Finding]:
    spans = [span for span in analysis.structure.sections if span.kind == "foreword"]
    if not spans:
        return []
    md, span = parser(), spans[0]
    blocks = foreword_blocks(md, analysis, span.start + 3, span.end)
    return foreword_findings(blocks, known_patents=known_patents)


def verbal_form_counts(text: str) -> list[VerbalFormCount]:
    """应 / 宜 / 可 / 能 per clause (and per unnumbered element), in document order."""
    return _scan_text(analyze(text))[1]


def _structure_findings(headings: list[Heading]) -> list[Finding]:
    findings: list[Finding] = []
    tops = [h for h in headings if h.level == 1]
    seen: dict[str, Heading] = {}
    latest: Heading | None = None
    for heading in tops:
        kind = heading.kind
        if kind in ("foreword", "introduction", "bibliography", "index") and kind in seen:
            findings.append(
                Finding("duplicate-element", "error", None, heading.line, {"element": kind})
            )
        seen.setdefault(kind, heading)
        if latest is not None and _ORDER[kind] < _ORDER[latest.kind]:
            findings.append(
                Finding(
                    "element-order",
                    "error",
                    heading.number,
                    heading.line,
                    {"element": kind, "after": latest.kind},
                )
            )
        elif latest is None or _ORDER[kind] >= _ORDER[latest.kind]:
            latest = heading
    if "foreword" not in seen:
        findings.append(Finding("foreword-missing", "error", None, 1))
    chapters = [h for h in tops if h.kind == "clause"]
    expected = (
        ("scope-missing", lambda t: t == "范围"),
        ("normative-references-missing", lambda t: t == "规范性引用文件"),
        ("terms-missing", lambda t: t.startswith("术语")),
    )
    for position, (code, matches) in enumerate(expected):
        chapter = chapters[position] if position < len(chapters) else None
        if chapter is None or not matches(squash(chapter.title)):
            findings.append(
                Finding(
                    code,
                    "error",
                    str(position + 1),
                    chapter.line if chapter else None,
                    {"found": chapter.title if chapter else "—"},
                )
            )
    if len(chapters) < 4:
        findings.append(Finding("technical-clause-missing", "error", None, None))
    return findings


def _scan_text(analysis: Analysis) -> tuple[list[Finding], list[VerbalFormCount], set[str]]:
    """Verbal forms and annex mentions, in one walk over the inline tokens."""
    findings: list[Finding] = []
    counts: dict[int, list] = {}  # id(heading) -> [heading, shall, should, may, can]
    order: list[int] = []
    mentioned: set[str] = set()
    for token in analysis.tokens:
        if token.type != "inline" or not token.children:
            continue
        scope: Heading | None = token.meta.get("scope")
        key = id(scope)
        if key not in counts:
            counts[key] = [scope, 0, 0, 0, 0]
            order.append(key)
        tally = counts[key]
        element = _element_of(scope)
        clause = scope.number if scope is not None else None
        for text, line in _texts(token):
            mentioned.update(_ANNEX_MENTION_RE.findall(text))
            for form in scan(text):
                if form.kind == "forbidden":
                    findings.append(
                        Finding(
                            "verbal-form-forbidden",
                            "warning",
                            clause,
                            line,
                            {"form": form.form, "suggestion": FORBIDDEN[form.form]},
                        )
                    )
                    continue
                tally[1 + (SHALL, SHOULD, MAY, CAN).index(form.kind)] += 1
                if form.kind == SHALL and element in ("foreword", "introduction"):
                    findings.append(
                        Finding(
                            "requirement-in-foreword",
                            "error",
                            clause,
                            line,
                            {"form": form.form, "element": element},
                        )
                    )
    result = []
    for key in order:
        heading, shall, should, may, can = counts[key]
        result.append(
            VerbalFormCount(
                heading.number if heading else None,
                _element_of(heading),
                heading.title if heading else "",
                shall,
                should,
                may,
                can,
            )
        )
    return findings, result, mentioned


def _element_of(heading: Heading | None) -> str:
    if heading is None:
        return "preamble"
    if heading.number and heading.number.startswith("0."):
        return "introduction"
    return heading.kind


def _texts(token: Token) -> list[tuple[str, int]]:
    """The prose of an inline token (code spans excluded) with line numbers."""
    line = token.map[0] + 1 if token.map else 0
    out = []
    for child in token.children or ():
        if child.type == "text":
            out.append((child.content, line))
        elif child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "image" and child.children:
            out.extend((c.content, line) for c in child.children if c.type == "text")
    return out


def _annex_reference_findings(analysis: Analysis, mentioned: set[str]) -> list[Finding]:
    structure = analysis.structure
    cited = {
        ref.anchor.split("-", 1)[1].split(".", 1)[0]
        for ref in structure.references
        if ref.anchor and ref.anchor.startswith(("annex-", "sec-", "tab-", "fig-", "formula-"))
    }
    findings = []
    for heading in structure.headings:
        if heading.kind != "annex" or heading.number is None:
            continue
        if heading.number not in cited and heading.number not in mentioned:
            findings.append(
                Finding(
                    "annex-unreferenced",
                    "warning",
                    heading.number,
                    heading.line,
                    {"annex": heading.number},
                )
            )
    return findings
