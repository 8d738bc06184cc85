"""Table cells and table notes: merged cells, line breaks, lists, notes in the frame.

A markdown-it core rule that runs after block parsing and before the
structural pass:

- a cell whose whole content is ``<`` merges into the cell on its left
  (colspan), ``^`` into the cell above (rowspan); ``\\<`` and ``\\^`` are the
  characters themselves;
- ``<br>`` in a cell is a line break; a cell whose ``<br>``-separated parts
  all start with ``- `` is a list;
- an empty cell keeps a no-break space, so an empty row keeps its height;
- ``注：`` / ``注1：`` paragraphs right after a table are its notes: they move
  into the table, into a last row spanning all columns (where the table's
  footnotes a), b)… go too), numbered 注1：注2：… when there are several.
"""

from __future__ import annotations

import re

from markdown_it.rules_core import StateCore
from markdown_it.token import Token

_BR_RE = re.compile(r"<br\s*/?>", re.I)
_NOTE_RE = re.compile(r"^注\s*(\d*)\s*[:：]\s*")
_CELL_OPEN = ("th_open", "td_open")


def tables_rule(state: StateCore) -> None:
    tokens = state.tokens
    if not any(t.type == "table_open" for t in tokens):
        return
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type != "table_open":
            out.append(token)
            i += 1
            continue
        close = next(j for j in range(i, len(tokens)) if tokens[j].type == "table_close")
        table = tokens[i:close]
        columns = _merge_cells(table)
        body: list[Token] = []
        for cell_token in table:
            if cell_token.type == "inline" and cell_token.meta.get("cell"):
                body.extend(_cell_content(cell_token))
            else:
                body.append(cell_token)
        notes, after = _notes_after(tokens, close + 1)
        out.extend(body)
        out.extend(_notes_row(notes, columns, token))
        out.append(tokens[close])
        i = after
    state.tokens[:] = out


def _merge_cells(table: list[Token]) -> int:
    """Apply ``<`` / ``^``; returns the number of columns. Merged cells are
    dropped from ``table`` in place; their owners get colspan / rowspan."""
    rows: list[list[tuple[int, Token]]] = []  # per row: (index of *_open, opener)
    groups: list[int] = []  # which thead/tbody each row is in
    group = 0
    for k, token in enumerate(table):
        if token.type in ("thead_open", "tbody_open"):
            group += 1
        elif token.type == "tr_open":
            rows.append([])
            groups.append(group)
        elif token.type in _CELL_OPEN:
            rows[-1].append((k, token))
            table[k + 1].meta["cell"] = True
    columns = max((len(r) for r in rows), default=0)
    owner: list[list[Token | None]] = []
    origin: dict[int, tuple[int, int]] = {}  # id(opener) → (row, column)
    dropped: set[int] = set()
    for r, row in enumerate(rows):
        owner.append([None] * len(row))
        for c, (k, opener) in enumerate(row):
            content = table[k + 1].content.strip()
            target: Token | None = None
            if content == "<" and c > 0:
                target = owner[r][c - 1]
                if target is not None and origin[id(target)][0] == r:
                    target.meta["colspan"] = target.meta.get("colspan", 1) + 1
            elif content == "^" and r > 0 and groups[r - 1] == groups[r]:
                target = owner[r - 1][c] if c < len(owner[r - 1]) else None
                if target is not None:
                    row0, col0 = origin[id(target)]
                    if col0 == c:
                        target.meta["rowspan"] = max(target.meta.get("rowspan", 1), r - row0 + 1)
            if target is not None:
                owner[r][c] = target
                dropped.update((k, k + 1, k + 2))
            else:
                owner[r][c] = opener
                origin[id(opener)] = (r, c)
    if dropped:
        table[:] = [t for k, t in enumerate(table) if k not in dropped]
    return columns


def _cell_content(inline: Token) -> list[Token]:
    """A cell's inline token, split at ``<br>``; a list when every part is ``- item``."""
    content = inline.content
    if not content.strip():
        inline.content = "\u00a0"  # an empty row keeps its height
        return [inline]
    parts = _BR_RE.split(content)
    if len(parts) == 1:
        return [inline]
    parts = [p.strip() for p in parts]
    if all(p.startswith("- ") for p in parts):
        items: list[Token] = [_token("bullet_list_open", "ul", 1, inline)]
        for part in parts:
            items.append(_token("list_item_open", "li", 1, inline))
            items.append(_inline(part[2:].strip(), inline))
            items.append(_token("list_item_close", "li", -1, inline))
        items.append(_token("bullet_list_close", "ul", -1, inline))
        return items
    out: list[Token] = []
    for n, part in enumerate(parts):
        if n:
            out.append(_token("cell_break", "br", 0, inline))
        out.append(_inline(part, inline))
    return out


def _token(ttype: str, tag: str, nesting: int, like: Token) -> Token:
    token = Token(ttype, tag, nesting)
    token.level = like.level
    token.map = like.map
    token.block = True
    return token


def _inline(content: str, like: Token) -> Token:
    token = _token("inline", "", 0, like)
    token.content = content
    token.children = []
    return token


def _notes_after(tokens: list[Token], start: int) -> tuple[list[list[Token]], int]:
    """The 注 paragraphs directly after a table: [open, inline, close] each."""
    notes: list[list[Token]] = []
    i = start
    while (
        i + 2 < len(tokens)
        and tokens[i].type == "paragraph_open"
        and tokens[i].level == 0
        and _NOTE_RE.match(tokens[i + 1].content)
    ):
        notes.append(tokens[i : i + 3])
        i += 3
    return notes, i


def _notes_row(notes: list[list[Token]], columns: int, table_open: Token) -> list[Token]:
    """Always present (the table's footnotes are only known after inline parsing);
    renders as nothing when it stays empty."""
    opener = Token("table_notes_open", "tr", 1)
    opener.meta["columns"] = max(columns, 1)
    opener.meta["table_open"] = table_open
    opener.meta["notes"] = bool(notes)
    out = [opener]
    for n, (p_open, inline, p_close) in enumerate(notes, 1):
        match = _NOTE_RE.match(inline.content)
        assert match is not None
        inline.content = inline.content[match.end() :]
        label = "注：" if len(notes) == 1 else f"注{n}："
        p_open.meta["note"] = ("note", label)
        for t in (p_open, inline, p_close):
            t.level = 3
        out += [p_open, inline, p_close]
    closer = Token("table_notes_close", "tr", -1)
    closer.meta["table_open"] = table_open
    out.append(closer)
    return out


def caption_rule(state: StateCore) -> None:
    """After the structural pass: the caption (``表：标题`` above the table, or
    just 表N) becomes the table's first header row, so that the PDF can print
    it on the first page and "表N（续）" on each page the table continues onto
    (``drafting/export/continuation.py``). The frame starts below it (CSS)."""
    tokens = state.tokens
    if not any(t.type == "table_open" for t in tokens):
        return
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if (
            token.type == "paragraph_open"
            and "caption" in token.meta
            and i + 3 < len(tokens)
            and tokens[i + 3].type == "table_open"
        ):
            caption_inline = tokens[i + 1]
            i += 3
            continue_with = caption_inline
        else:
            continue_with = None
            if token.type != "table_open":
                out.append(token)
                i += 1
                continue
        table_open = tokens[i]
        out.append(table_open)
        i += 1
        if tokens[i].type == "thead_open":
            out.append(tokens[i])
            i += 1
        row = Token("caption_row_open", "tr", 1)
        row.meta["table"] = table_open.meta.get("table")
        row.meta["columns"] = _columns(tokens, i)
        out.append(row)
        if continue_with is not None:
            continue_with.level = 3
            out.append(continue_with)
        closer = Token("caption_row_close", "tr", -1)
        closer.meta["table"] = row.meta["table"]
        out.append(closer)
    _remap_sections(state, tokens, out)
    state.tokens[:] = out


def _remap_sections(state: StateCore, old: list[Token], new: list[Token]) -> None:
    """The structural pass gave each section a token range; this rule ran
    after it and moved tokens (caption paragraph out, caption row in), so the
    ranges are moved onto the same tokens in the new list. Without this every
    section after a table lost its last tokens' text."""
    structure = state.env.get("structure")
    if structure is None:
        return
    position = {id(token): k for k, token in enumerate(new)}

    def moved(index: int) -> int:
        # the first token at or after `index` that is still there
        for token in old[index:]:
            if id(token) in position:
                return position[id(token)]
        return len(new)

    for span in structure.sections:
        span.start, span.end = moved(span.start), moved(span.end)


def _columns(tokens: list[Token], start: int) -> int:
    """Cells of the first row (with their colspans) from ``start`` on."""
    count = 0
    for token in tokens[start:]:
        if token.type in _CELL_OPEN:
            count += int(token.meta.get("colspan", 1))
        elif token.type == "tr_close":
            break
    return max(count, 1)
