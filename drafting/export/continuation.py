"""续表: "表N（续）" on every page a table continues onto, decided by the layout.

WeasyPrint repeats a table's header rows on each page it runs onto. The
caption is the first of those header rows (``standardtext/tables.py``) and
holds both texts: "表N（续）" and "表N　标题". After the layout, and before the
pages are drawn, this pass walks the laid-out pages: on the page where a
table starts it drops the continuation label, on every later page it drops
the caption, and re-centres what is left. The layout is not run twice: the
boxes are edited in place (a caption row holds one line, so nothing moves
but the text inside it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

_CAPTION_ROW = "caption-row"
# WeasyPrint's box classes are matched by name: importing them would load
# WeasyPrint into every process that imports the export package.
_ROW, _LINE, _INLINE = "TableRowBox", "LineBox", "InlineBox"


def mark_continuations(pages: Iterable[Any]) -> dict[str, list[int]]:
    """Keep one caption per page on ``document.pages``; returns, per continued
    table ("表1"), the 0-based numbers of the pages that print "表1（续）"."""
    rows: list[tuple[int, Any]] = []
    for number, page in enumerate(pages):
        for box in page._page_box.descendants():
            if type(box).__name__ == _ROW and _has_class(box, _CAPTION_ROW):
                rows.append((number, box))
    started: set[int] = set()
    continued: dict[str, list[int]] = {}
    for number, row in rows:
        key = id(row.element)
        if key in started:
            continued.setdefault(_label(row), []).append(number)
            _keep(row, drop="caption-first")
        else:
            started.add(key)
            _keep(row, drop="caption-cont")
    return continued


def _has_class(box: Any, css: str) -> bool:
    element = box.element
    return element is not None and css in (element.get("class") or "").split()


def _label(row: Any) -> str:
    """ "表1" from the continuation label "表1（续）"."""
    for box in row.descendants():
        if type(box).__name__ == _INLINE and _has_class(box, "caption-cont"):
            text = "".join(getattr(b, "text", "") for b in box.descendants())
            return text.removesuffix("（续）")
    return ""


def _keep(row: Any, *, drop: str) -> None:
    for cell in row.children:
        left_edge, width = cell.content_box_x(), cell.width
        for line in [b for b in cell.descendants() if type(b).__name__ == _LINE]:
            kept = [c for c in line.children if not _has_class(c, drop)]
            if len(kept) == len(line.children):
                continue
            line.children = kept
            if not kept:
                continue
            left = min(c.position_x for c in kept)
            right = max(c.position_x + c.margin_width() for c in kept)
            dx = left_edge + (width - (right - left)) / 2 - left
            for child in kept:
                child.translate(dx, 0)
