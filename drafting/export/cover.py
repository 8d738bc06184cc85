"""The cover's Chinese title, broken at word boundaries.

WeasyPrint breaks Chinese anywhere, so "…回收利用技术规范" could end a line
with "技" and start the next with "术规范". The title is cut into pieces that
must stay whole, each printed as an inline block: a line breaks only between
pieces, and a piece too long for a line wraps inside itself.

- The editor marks a break with a space (half- or full-width), as GB titles
  separate their elements (引导要素　主体要素　补充要素) with one anyway.
- Without marks, a piece ends after "第N部分：" and before a final word naming
  the kind of document (技术规范, 试验方法…); a piece still longer than a line
  is cut after the particle 用 / 的 / 与 / 及 / 和 nearest its middle.

A word segmenter (jieba) would find more boundaries, but loading its
dictionary took 3 s per process, more than a whole short export.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Characters of the cover title (26 pt) on a 165 mm line.
LINE_CHARS = 17
_MARKS_RE = re.compile(r"[ \u3000\u00a0]+")
_PART_RE = re.compile(r"(第\s*\d+\s*部分\s*[:：])")
#: Final elements of GB titles, longest first.
KIND_WORDS = (
    "技术规范",
    "技术要求",
    "通用要求",
    "通用规范",
    "安全要求",
    "性能要求",
    "试验方法",
    "测试方法",
    "检测方法",
    "检验规则",
    "评价方法",
    "评价规范",
    "评价指南",
    "实施指南",
    "技术指南",
    "应用指南",
    "操作规程",
    "技术规程",
    "技术条件",
    "规范",
    "要求",
    "指南",
    "规程",
    "导则",
    "通则",
    "术语",
)
_PARTICLES = "用的与及和"


@dataclass(frozen=True, slots=True)
class TitlePiece:
    text: str
    #: An editor's mark (a space) follows: printed as a space when both pieces share a line.
    space_after: bool = False


def title_pieces(title: str) -> list[TitlePiece]:
    """The pieces of ``title`` that a line may not break inside."""
    elements = [e for e in _MARKS_RE.split(title.strip()) if e]
    pieces: list[TitlePiece] = []
    for n, element in enumerate(elements):
        words = _split_element(element)
        for k, word in enumerate(words):
            last = k == len(words) - 1
            pieces.append(TitlePiece(word, space_after=last and n < len(elements) - 1))
    return pieces


def _split_element(element: str) -> list[str]:
    out: list[str] = []
    for chunk in _PART_RE.split(element):
        if not chunk:
            continue
        if _PART_RE.fullmatch(chunk):
            out.append(chunk)
            continue
        out.extend(_split_kind(chunk))
    return out


def _split_kind(chunk: str) -> list[str]:
    for word in KIND_WORDS:
        if chunk.endswith(word) and len(chunk) > len(word) + 1:
            return [*_split_long(chunk[: -len(word)]), word]
    return _split_long(chunk)


def _split_long(chunk: str) -> list[str]:
    if len(chunk) <= LINE_CHARS:
        return [chunk]
    middle = len(chunk) / 2
    cuts = [i + 1 for i, ch in enumerate(chunk[:-2]) if ch in _PARTICLES and i >= 1]
    if not cuts:
        return [chunk]
    cut = min(cuts, key=lambda i: abs(i - middle))
    return [*_split_long(chunk[:cut]), *_split_long(chunk[cut:])]
