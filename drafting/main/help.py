"""Help pages written in Markdown under docs/: each holds a Chinese and an
English part; a reader sees only the part in their language."""

from __future__ import annotations

import re

# The English part starts at a top-level heading ending in "(English)".
ENGLISH_HEADING = re.compile(r"^# .*\(English\)\s*$")
FENCE = re.compile(r"^(```|~~~)")


def language_part(text: str, locale: str) -> str:
    """The part of a bilingual help document in `locale` ("zh" or "en").

    Headings inside fenced code blocks (the examples) never split the text.
    A document without an English part is shown whole in both languages.
    """
    lines = text.splitlines(keepends=True)
    in_fence = False
    split = None
    for number, line in enumerate(lines):
        if FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and ENGLISH_HEADING.match(line):
            split = number
            break
    if split is None:
        return text
    if locale == "en":
        return "".join(lines[split:])
    chinese = "".join(lines[:split]).rstrip()
    # The thematic break that separated the two parts.
    return re.sub(r"\n-{3,}\s*$", "", chinese) + "\n"
