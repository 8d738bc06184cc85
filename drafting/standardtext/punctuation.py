"""Punctuation compression: of two adjacent full-width marks, one is set half-width.

Chinese typesetting (GB/T 15834, JLREQ 3.1.4) does not leave a full em of
blank between ”） or 。” : the blank half of one mark is removed. Noto CJK
2.001 (Debian's) has no contextual ``chws`` feature, but it has ``halt``
(half-width alternates), so the mark to compress is wrapped in
``<span class="punct-halt">`` and CSS turns ``halt`` on for it alone.
A closing mark followed by another mark is compressed; of two opening marks,
the second.
"""

from __future__ import annotations

import re
from html import escape

CLOSING = "，。、；：！？”’）》〉」』】〕"
OPENING = "“‘（《〈「『【〔"
_MARKS = frozenset(CLOSING + OPENING)
_PAIR_RE = re.compile(f"[{CLOSING}{OPENING}]{{2}}")


def halves(text: str) -> set[int]:
    """Positions of the marks to set half-width: one per adjacent pair.

    In a pair, a closing mark loses its trailing blank; when the first mark
    is an opening one, the second loses its leading blank if it opens too.
    """
    out: set[int] = set()
    for i in range(len(text) - 1):
        first, second = text[i], text[i + 1]
        if first not in _MARKS or second not in _MARKS:
            continue
        if first in CLOSING:
            out.add(i)
        elif second in OPENING:
            out.add(i + 1)
    return out


def compress(text: str) -> str:
    """``text`` escaped for HTML, with the marks to compress wrapped."""
    if _PAIR_RE.search(text) is None:
        return escape(text, quote=False)
    marked = halves(text)
    if not marked:
        return escape(text, quote=False)
    return "".join(
        f'<span class="punct-halt">{ch}</span>' if i in marked else escape(ch, quote=False)
        for i, ch in enumerate(text)
    )
