"""The redline loses nothing: without its deletions it reads as the new text,
without its insertions as the old one (numbers aside, which the new text gives)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafting.export import redline
from drafting.export.redline import _marked_rendered, _parse, compare
from tests.documents.factories import TEXT

PIECES = [
    "应",
    "宜",
    "不应",
    "回收",
    "处理能力",
    "，",
    "。",
    " energy ",
    "\n\n",
    "\n\n## 新增条款\n\n",
    "\n\n# 新章\n\n",
    "\n\n注：说明。\n\n",
    "\n\n- 第一项；\n- 第二项。\n\n",
    "\n\n表：参数\n\n| 项目 | 值 |\n|---|---|\n| 温度 | 20 ℃ |\n\n",
    "\n\n$$ x^2 $$\n\n",
    "<b>粗</b>",
    "**重点**",
    "H~2~O",
]

edits = st.lists(
    st.tuples(st.integers(0, len(TEXT)), st.integers(0, 12), st.sampled_from(PIECES)),
    min_size=1,
    max_size=6,
)


def edited(text: str, ops) -> str:
    for position, cut, piece in ops:
        position = min(position, len(text))
        text = text[:position] + piece + text[position + cut :]
    return text


def visible(item, drop: str) -> str:
    """Text of a tree without the ``drop`` marks (``"del"`` or ``"ins"``) and without numbers."""
    if isinstance(item, str):
        return item
    block = "rl-deleted" if drop == "del" else "rl-inserted"
    if item.tag == drop or block in item.classes or item.is_fixed():
        return ""
    if item.is_atom():
        return redline._atom_token(item)
    return "".join(visible(child, drop) for child in item.children)


def plain(html: str, drop: str | None = None) -> str:
    text = "".join(visible(n, drop or "-") for n in _parse(html))
    return "".join(text.split())


def document_html(rendered) -> str:
    """The foreword's blocks, then the other sections: the order the export prints them."""
    front, rest = [], []
    for section in rendered.sections:
        if section.kind == "foreword" and not front:
            front = [block.html for block in section.blocks]
        else:
            rest.append(section.heading_html + section.body_html)
    return "".join(front + rest)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(old_ops=edits, new_ops=edits)
def test_redline_reads_as_either_revision(old_ops, new_ops):
    old, new = edited(TEXT, old_ops), edited(TEXT, new_ops)
    comparison = compare(old, new)
    marked = _marked_rendered(comparison)
    html = document_html(marked)
    assert plain(html, "del") == plain(document_html(comparison.new))
    assert plain(html, "ins") == plain(document_html(comparison.old))
