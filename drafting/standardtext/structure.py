"""The pass that turns markdown-it tokens into a standard.

It runs as a core rule between block and inline parsing, so a heading's title
can be trimmed (``附录（规范性）``, ``{#label}``, a term's English half) before
its inline content is parsed. It numbers clauses, annexes, terms, tables,
notes and examples, and tags every token with the clause it belongs to. A
second, cheaper walk after inline parsing (:func:`resolve.finish`) numbers figures,
judges images and links, and resolves ``[[...]]`` references (``resolve.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from drafting.standardtext.findings import Finding
from drafting.standardtext.math import Formula
from drafting.standardtext.model import Figure, Heading, Reference, SectionKind, Table, Term
from drafting.standardtext.unsupported import unsupported_findings

#: GB/T 1.1 chapters and clauses: 1, 1.1 … 1.1.1.1.1 (one number per level).
MAX_DEPTH = 5

_ANNEX_RE = re.compile(
    r"^附录(?=[\sA-Z（(]|规范性|资料性|$)\s*"
    r"(?P<letter>[A-Z](?![A-Za-z]))?\s*"
    r"(?:[（(]\s*(?P<nature>规范性|资料性)(?:附录)?\s*[)）]"
    r"|(?P<bare>规范性|资料性)(?:附录)?(?=\s|$))?"
    r"\s*(?P<title>.*)$",
    re.S,
)
_NOTE_RE = re.compile(r"^注\s*(\d*)\s*[:：]\s*")
_EXAMPLE_RE = re.compile(r"^示例\s*(\d*)\s*[:：]\s*")
# "表：标题", "表1 标题", "表A.1　标题": the number a user types is ignored.
_CAPTION_RE = re.compile(
    r"^表\s*(?:[:：]|(?:[A-Z]\s*[.．]\s*)?\d+(?:\s*[:：]|[\s\u3000]+|$))\s*(?P<title>.*)$", re.S
)
_LABEL_RE = re.compile(r"\s*\{#([\w\-.]+)\}\s*$")
_TERM_SPLIT_RE = re.compile(r"\s*[|｜]\s*")
_SPACES_RE = re.compile(r"[\s\u3000]+")
_NATURES = {"规范性": "normative", "资料性": "informative"}
_SPECIAL = {
    "前言": "foreword",
    "引言": "introduction",
    "参考文献": "bibliography",
    "索引": "index",
}
#: A 条 without a heading: a paragraph starting "#. " (syntax.md).
_HEADLESS_RE = re.compile(r"^#\.(?:[ \t\u3000]+|$)")
_CONTENT_TYPES = frozenset(
    {
        "paragraph_open",
        "bullet_list_open",
        "ordered_list_open",
        "table_open",
        "blockquote_open",
        "fence",
        "code_block",
        "hr",
        "math_block",
        "std_front_matter",
        "footnote_def_open",
    }
)


def is_cjk(ch: str) -> bool:
    """CJK ideographs, kana and CJK / full-width punctuation."""
    return "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef"


def squash(text: str) -> str:
    """Remove all spaces, so "前　　言" matches "前言"."""
    return _SPACES_RE.sub("", text)


def split_label(text: str) -> tuple[str, str | None]:
    match = _LABEL_RE.search(text)
    if match is None:
        return text, None
    return text[: match.start()], match.group(1)


def split_term(title: str) -> tuple[str, str]:
    """ "标准化文件 | standardizing document" or "标准化文件 standardizing document"."""
    parts = _TERM_SPLIT_RE.split(title.strip(), maxsplit=1)
    if len(parts) == 2:
        return parts[0], parts[1]
    last_cjk = max((i for i, ch in enumerate(title) if is_cjk(ch)), default=-1)
    if last_cjk < 0:
        return title.strip(), ""
    return title[: last_cjk + 1].strip(), title[last_cjk + 1 :].strip()


@dataclass(slots=True)
class SectionSpan:
    """A top-level element and the token range it covers."""

    kind: SectionKind
    heading: Heading | None
    start: int
    end: int


@dataclass(slots=True)
class Structure:
    """Everything the structural pass learned about a text."""

    headings: list[Heading] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    sections: list[SectionSpan] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    formulas: list[Formula] = field(default_factory=list)
    #: "4.2", "附录A", "表A.1", "图1", "#label", "前言" → (anchor, text shown)
    index: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(slots=True)
class _Open:
    """A heading whose subclauses are still being read."""

    heading: Heading
    children: list[Heading] = field(default_factory=list)
    has_content: bool = False
    exempt: bool = False


class _Builder:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.out = Structure()
        self.top: Heading | None = None  # the current level-1 element
        self.in_terms = False
        self.annex_letter: str | None = None
        self.chapter = 0
        self.annexes = 0
        self.counters = [0] * 8
        self.last_level = 0
        self.stack: list[_Open] = []
        self.current: Heading | None = None
        self.titled: Heading | None = None  # the heading a "#." clause is numbered under
        self.current_term: Term | None = None
        self.notes: dict[int, list[tuple[Token, str]]] = {}
        self.tables_in: dict[str, int] = {}
        self.formulas_in: dict[str, int] = {}
        self.table: Table | None = None
        self.pending_caption: tuple[Token, str, str | None] | None = None
        self.anchors: set[str] = set()
        self.preamble_reported = False

    # -- the walk ---------------------------------------------------------------

    def run(self) -> Structure:
        tokens = self.tokens
        section_start = 0
        section_kind: SectionKind = "preamble"
        section_heading: Heading | None = None
        in_body = False  # inside a table's tbody: its rows are counted
        for i, token in enumerate(tokens):
            ttype = token.type
            if ttype == "inline":
                token.meta["scope"] = self.current
                token.meta["annex"] = self.annex_letter
            elif ttype == "heading_open" and token.level == 0:
                heading = self._heading(i)
                if heading.level == 1:
                    self._add_section(section_kind, section_heading, section_start, i)
                    section_kind = heading.kind  # type: ignore[assignment]
                    section_heading, section_start = heading, i
            elif ttype == "table_open":
                self._table(token)
            elif ttype == "tbody_open":
                in_body = True
            elif ttype == "tbody_close":
                in_body = False
            elif ttype == "tr_open" and in_body and self.table is not None:
                self.table.rows += 1
            elif ttype == "table_close":
                self.table = None
            elif ttype == "math_block":
                self._formula(token)
            if token.level == 0 and ttype in _CONTENT_TYPES:
                self._content(i, token)
        self._add_section(section_kind, section_heading, section_start, len(tokens))
        self._close_to(0)
        self._number_notes()
        return self.out

    def _add_section(
        self, kind: SectionKind, heading: Heading | None, start: int, end: int
    ) -> None:
        if heading is None and not any(
            t.level == 0 and (t.type in _CONTENT_TYPES or t.type == "heading_open")
            for t in self.tokens[start:end]
        ):
            return  # only comments or blank lines before the first heading
        self.out.sections.append(SectionSpan(kind, heading, start, end))

    # -- headings ---------------------------------------------------------------

    def _heading(self, i: int) -> Heading:
        open_token, inline = self.tokens[i], self.tokens[i + 1]
        level = int(open_token.tag[1])
        line = open_token.map[0] + 1 if open_token.map else 0
        title, label = split_label(inline.content.strip())
        title = title.strip()
        self.current_term = None
        if level == 1:
            heading = self._top_heading(title, line)
        else:
            if self.top is None and not self.preamble_reported:
                self.preamble_reported = True
                self._finding("content-before-first-heading", "warning", None, line)
            heading = self._sub_heading(title, level, line, inline)
        heading.label = label
        if heading.kind != "term":
            inline.content = heading.title
        open_token.meta["heading"] = heading
        self.tokens[i + 2].meta["heading"] = heading
        self.out.headings.append(heading)
        self.current = self.titled = heading
        self._register(heading)
        self._track(heading)
        if heading.kind == "term":
            open_token.meta["term"] = self.current_term
        return heading

    def _top_heading(self, title: str, line: int) -> Heading:
        self.counters = [0] * 8
        self.last_level = 1
        self.annex_letter = None
        self.in_terms = False
        special = _SPECIAL.get(squash(title))
        if special is not None:
            heading = Heading(special, None, squash(title), 1, self._anchor(special), line=line)  # type: ignore[arg-type]
        elif (match := _ANNEX_RE.match(title)) is not None:
            letter = self._annex_letter(self.annexes)
            self.annexes += 1
            nature_word = match.group("nature") or match.group("bare")
            nature = _NATURES.get(nature_word or "")
            heading = Heading(
                "annex",
                letter,
                match.group("title").strip(),
                1,
                f"annex-{letter}",
                annex_nature=nature,  # type: ignore[arg-type]
                line=line,
            )
            self.annex_letter = letter
            if nature is None:
                self._finding("annex-nature-missing", "error", letter, line, annex=letter)
        else:
            self.chapter += 1
            number = str(self.chapter)
            heading = Heading("clause", number, title, 1, f"sec-{number}", line=line)
            self.in_terms = squash(title).startswith("术语")
        self.top = heading
        return heading

    @staticmethod
    def _annex_letter(index: int) -> str:
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        return letters[index] if index < 26 else letters[index // 26 - 1] + letters[index % 26]

    def _sub_heading(self, title: str, level: int, line: int, inline: Token) -> Heading:
        top = self.top
        if level > self.last_level + 1:
            self._finding(
                "heading-level-skipped",
                "error",
                self.current.number if self.current else None,
                line,
                level=level,
                previous=self.last_level,
            )
        self.last_level = level
        if top is None or top.kind in ("foreword", "bibliography", "index"):
            kind = top.kind if top is not None else "clause"
            base = top.anchor if top is not None else "preamble"
            return Heading(kind, None, title, level, self._anchor(f"{base}-h"), line=line)  # type: ignore[arg-type]
        self.counters[level] += 1
        for deeper in range(level + 1, len(self.counters)):
            self.counters[deeper] = 0
        prefix = "0" if top.kind == "introduction" else top.number
        number = ".".join([prefix or "0"] + [str(self.counters[k]) for k in range(2, level + 1)])
        if level > MAX_DEPTH:
            self._finding("heading-too-deep", "error", number, line, level=level, max=MAX_DEPTH)
        if self.in_terms:
            term_zh, term_en = split_term(title)
            inline.content = ""  # the renderer prints the term from the Term itself
            heading = Heading("term", number, term_zh, level, f"sec-{number}", line=line)
            self.current_term = Term(number, term_zh, term_en, "", heading.anchor, line)
            self.out.terms.append(self.current_term)
            return heading
        return Heading("clause", number, title, level, f"sec-{number}", line=line)

    def _anchor(self, base: str) -> str:
        anchor, n = base, 1
        while anchor in self.anchors:
            n += 1
            anchor = f"{base}-{n}"
        self.anchors.add(anchor)
        return anchor

    def _register(self, heading: Heading) -> None:
        self.anchors.add(heading.anchor)
        if heading.number:
            self._index(heading.display_number, heading.anchor, heading.display_number)
        elif heading.level == 1:
            self._index(heading.title, heading.anchor, heading.title)
        if heading.label:
            self._label(
                heading.label, heading.anchor, heading.display_number or heading.title, heading.line
            )

    def _index(self, key: str, anchor: str, text: str) -> None:
        self.out.index.setdefault(key, (anchor, text))

    def _label(self, label: str, anchor: str, text: str, line: int) -> None:
        key = f"#{label}"
        if key in self.out.index:
            self._finding("label-duplicate", "error", None, line, label=label)
            return
        self.out.index[key] = (anchor, text)

    def _track(self, heading: Heading) -> None:
        """Subclause bookkeeping for hanging paragraphs and lone subclauses."""
        self._close_to(heading.level)
        parent = self.stack[-1] if self.stack else None
        if parent is not None and heading.number is not None:
            if not parent.children and parent.has_content and not parent.exempt:
                self._finding(
                    "hanging-paragraph", "error", parent.heading.number, parent.heading.line
                )
            parent.children.append(heading)
        exempt = (
            heading.number is None
            or heading.kind == "term"
            or (heading.kind == "clause" and self.in_terms)
            or (self.top is not None and self.top.kind == "introduction")
        )
        self.stack.append(_Open(heading, exempt=exempt))

    def _close_to(self, level: int) -> None:
        while self.stack and self.stack[-1].heading.level >= level:
            closed = self.stack.pop()
            if len(closed.children) == 1 and not closed.exempt:
                child = closed.children[0]
                self._finding(
                    "single-subclause",
                    "warning",
                    closed.heading.number,
                    child.line,
                    child=child.number,
                )

    # -- blocks -----------------------------------------------------------------

    def _content(self, i: int, token: Token) -> None:
        headless = (
            token.type == "paragraph_open"
            and self.titled is not None
            and _HEADLESS_RE.match(self.tokens[i + 1].content) is not None
        )
        if headless:
            pass
        elif self.stack:
            self.stack[-1].has_content = True
        elif not self.preamble_reported:
            self.preamble_reported = True
            line = token.map[0] + 1 if token.map else None
            self._finding("content-before-first-heading", "warning", None, line)
        if token.type == "paragraph_open":
            self._paragraph(i, token)

    def _paragraph(self, i: int, token: Token) -> None:
        inline = self.tokens[i + 1]
        content = inline.content
        if content.startswith("#.") and _HEADLESS_RE.match(content):
            self._headless(token, inline)
            content = inline.content
        for kind, pattern in (("note", _NOTE_RE), ("example", _EXAMPLE_RE)):
            match = pattern.match(content)
            if match is not None:
                inline.content = content[match.end() :]
                key = id(self.current)
                self.notes.setdefault(key, []).append((token, kind))
                return
        if (
            content.startswith("表")
            and i + 3 < len(self.tokens)
            and self.tokens[i + 3].type == "table_open"
            and (match := _CAPTION_RE.match(content)) is not None
        ):
            title, label = split_label(match.group("title").strip())
            inline.content = title.strip()
            self.pending_caption = (token, title.strip(), label)
            return
        if self.current_term is not None and not self.current_term.definition:
            self.current_term.definition = content.strip()

    def _headless(self, token: Token, inline: Token) -> None:
        """``#. 产品应…`` under 4.1 becomes 4.1.1, its number on the line of its text."""
        parent, top = self.titled, self.top
        line = token.map[0] + 1 if token.map else 0
        if (
            parent is None
            or top is None
            or top.kind not in ("clause", "annex")
            or parent.number is None
            or self.in_terms
        ):
            self._finding("headless-clause-misplaced", "warning", None, line)
            return
        level = parent.level + 1
        self.counters[level] += 1
        for deeper in range(level + 1, len(self.counters)):
            self.counters[deeper] = 0
        number = f"{parent.number}.{self.counters[level]}"
        if level > MAX_DEPTH:
            self._finding("heading-too-deep", "error", number, line, level=level, max=MAX_DEPTH)
        inline.content = _HEADLESS_RE.sub("", inline.content, count=1)
        heading = Heading(
            "clause", number, "", level, self._anchor(f"sec-{number}"), line=line, headless=True
        )
        token.meta["headless"] = heading
        self.out.headings.append(heading)
        self._register(heading)
        self._close_to(level)
        if self.stack:
            opened = self.stack[-1]
            if not opened.children and opened.has_content and not opened.exempt:
                self._finding(
                    "hanging-paragraph", "error", opened.heading.number, opened.heading.line
                )
            opened.children.append(heading)
        self.stack.append(_Open(heading, has_content=True, exempt=True))
        self.current = heading

    def _number_notes(self) -> None:
        """注：/ 示例： alone in a clause, 注1：注2：… when there are several."""
        for entries in self.notes.values():
            for kind in ("note", "example"):
                same = [token for token, k in entries if k == kind]
                word = "注" if kind == "note" else "示例"
                for n, token in enumerate(same, 1):
                    label = f"{word}：" if len(same) == 1 else f"{word}{n}："
                    token.meta["note"] = (kind, label)

    def _table(self, token: Token) -> None:
        scope = self.annex_letter or ""
        n = self.tables_in.get(scope, 0) + 1
        self.tables_in[scope] = n
        number = f"{scope}.{n}" if scope else str(n)
        caption, label, caption_token = "", None, None
        if self.pending_caption is not None:
            caption_token, caption, label = self.pending_caption
            self.pending_caption = None
        line = token.map[0] + 1 if token.map else 0
        table = Table(number, caption, f"tab-{number}", line, label=label)
        self.table = table
        token.meta["table"] = table
        token.meta["captioned"] = caption_token is not None
        if caption_token is not None:
            caption_token.meta["caption"] = table
        self.out.tables.append(table)
        self._index(table.display_number, table.anchor, table.display_number)
        if label:
            self._label(label, table.anchor, table.display_number, line)

    def _formula(self, token: Token) -> None:
        """Display formulas: (1), (2)… in the body, (A.1)… in annex A."""
        scope = self.annex_letter or ""
        n = self.formulas_in.get(scope, 0) + 1
        self.formulas_in[scope] = n
        number = f"{scope}.{n}" if scope else str(n)
        line = token.map[0] + 1 if token.map else 0
        label = token.meta.get("label")
        formula = Formula(number, token.content, f"formula-{number}", line, label=label)
        token.meta["formula"] = formula
        self.out.formulas.append(formula)
        for key in (formula.cited, f"公式{number}", f"公式（{number}）"):
            self._index(key, formula.anchor, formula.cited)
        if label:
            self._label(label, formula.anchor, formula.cited, line)

    def _finding(
        self, code: str, severity: str, clause: str | None, line: int | None, **params: object
    ) -> None:
        self.out.findings.append(Finding(code, severity, clause, line, dict(params)))  # type: ignore[arg-type]


def structure_rule(state: StateCore) -> None:
    """markdown-it core rule: run the structural pass, keep the result in env."""
    structure = _Builder(state.tokens).run()
    structure.findings += unsupported_findings(state.tokens, state.src)
    state.env["structure"] = structure
