"""Short forms of long texts (a requirement named in a message or a list)."""

from __future__ import annotations

import re
import unicodedata

# Where a Chinese or English text may be cut without splitting a word: after
# a punctuation mark or at a space.
_BOUNDARY = re.compile(r"[，、；：。！？（）()\[\]【】《》“”,;:.!?\s]")
ELLIPSIS = "…"


def shorten(text: str, limit: int = 40) -> str:
    """`text` cut to about `limit` characters at a word boundary, with "…".

    Chinese has no spaces, so the cut is made after a punctuation mark: the
    last one before `limit` (if it keeps at least a third of it), else the
    first one up to twice `limit`; a text with neither is kept whole rather
    than cut inside a word.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cuts = [m.start() for m in _BOUNDARY.finditer(text)]
    before = [c for c in cuts if limit // 3 <= c <= limit]
    after = [c for c in cuts if limit < c <= 2 * limit]
    if before:
        cut = before[-1]
    elif after:
        cut = after[0]
    else:
        return text
    head = text[:cut].rstrip(" ，、；：,;:（(")
    return head + ELLIPSIS if head != text else text


def without_control_characters(text: str, *, multiline: bool = True) -> str:
    """``text`` without control characters, which PostgreSQL cannot store (NUL) or a
    reader cannot see. A multi-line text keeps its line breaks and tabs, and Word's
    line break (vertical tab, pasted from a .docx) or a page break become line
    breaks; a one-line field gets a space instead."""
    text = (text or "").replace("\r\n", "\n")
    if multiline:
        text = text.translate({0x0B: "\n", 0x0C: "\n", 0x0D: "\n"})
    keep = "\n\t" if multiline else ""
    return "".join(
        ch if ch in keep or unicodedata.category(ch) != "Cc" else ("" if multiline else " ")
        for ch in text
    )
