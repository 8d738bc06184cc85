"""The verbal forms of GB/T 1.1-2020 (table 3 to 6): 应 / 宜 / 可 / 能.

The characters are also parts of ordinary words (应用, 适宜, 可靠, 能效…), so a
character only counts when the word around it is not one of those. The lists
are not a dictionary; they hold the words that occur in technical standards.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

SHALL, SHOULD, MAY, CAN = "shall", "should", "may", "can"

#: Forms a standard must not use, and what to write instead.
FORBIDDEN: dict[str, str] = {"必须": "应", "不得": "不应", "不可": "不应 / 不能", "must": "shall"}

# 应 in 相应, 对应, 适应… / 应用, 应急, 应力…
_YING_BEFORE = set("相对适供响反效感回呼答照顺报")
_YING_AFTER = set("用急对变答激力")
_YI_BEFORE = set("适便事")
_YI_AFTER = set("居人")
# 可 as an adjective prefix: 可靠, 可逆, 可燃… (可用于 stays a permission)
_KE_AFTER = set("靠逆燃见视选行信比调拆读写测变焊塑溶移充扩再编控")
_KE_BEFORE = set("许认宁")
# 不可 as an adjective: 不可逆, 不可燃, 不可见, 不可抗力, 必不可少, 不可或缺…
_BUKE_ADJECTIVE = set("逆燃见再抗靠分缺控拆测视少或替比忽避")
# 能 as a noun: 节能, 性能, 功能 / 能效, 能源, 能耗…
_NENG_BEFORE = set("节性功效智技储动热电核产职势光风潜体机耗用蓄本势")
_NENG_AFTER = set("效源耗量力级")

# \b would treat Chinese characters as word characters: "应符合must" has no \b.
_SCAN_RE = re.compile(r"必须|不得|不可|[应宜可能]|(?<![A-Za-z])(?:must|shall)(?![A-Za-z])", re.I)


@dataclass(frozen=True, slots=True)
class VerbalForm:
    """One occurrence: ``kind`` is shall/should/may/can, or "forbidden"."""

    kind: str
    form: str
    offset: int


def scan(text: str) -> Iterator[VerbalForm]:
    """Yield the verbal forms used in ``text``."""
    for match in _SCAN_RE.finditer(text):
        form, start, end = match.group(0), match.start(), match.end()
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        kind = _classify(form, before, after, text, end)
        if kind is not None:
            yield VerbalForm(kind, form if kind != "forbidden" else form.lower(), start)


def _classify(form: str, before: str, after: str, text: str, end: int) -> str | None:
    lowered = form.lower()
    if lowered == "must" or form in ("必须", "不得"):
        return "forbidden"
    if lowered == "shall":
        return SHALL
    if form == "不可":
        if after == "能":
            return None  # 不可能: counted as a possibility when 能 is reached
        return None if after in _BUKE_ADJECTIVE else "forbidden"
    if form == "应":
        return None if before in _YING_BEFORE or after in _YING_AFTER else SHALL
    if form == "宜":
        return None if before in _YI_BEFORE or after in _YI_AFTER else SHOULD
    if form == "可":
        if after == "能":
            return None  # counted when 能 is reached, as a possibility
        if after == "选" and text[end + 1 : end + 2] in ("用", "择"):
            return MAY  # 可选用 / 可选择: a permission, unlike the adjective 可选
        return None if before in _KE_BEFORE or after in _KE_AFTER else MAY
    if form == "能":
        if before == "可":
            return CAN
        return None if before in _NENG_BEFORE or after in _NENG_AFTER else CAN
    return None
