"""The dialect's inline extensions (see /docs/conventions.md) as the Word converter reads them.

Formulas ``$…$`` / ``$$ … $$ {#label}``, sub- and superscripts ``H~2~O`` /
``m^2^`` and footnotes ``[^1]`` may reach the converter as plain text when
the parser has no rule for them; this module finds them in that text, by the
agreed syntax, so the .docx gets them right either way.
"""

from __future__ import annotations

import re

#: A paragraph that is a display formula: ``$$ E = mc^2 $$ {#能量}`` (may span lines).
DISPLAY_MATH_RE = re.compile(r"^\s*\$\$(?P<tex>.+?)\$\$\s*(?:\{#(?P<label>[\w\-.]+)\})?\s*$", re.S)
#: ``[^1]: footnote text``
FOOTNOTE_DEF_RE = re.compile(r"^\[\^(?P<label>[^\]\s]+)\]:\s*(?P<text>.*)$", re.S)

_INLINE_RE = re.compile(
    # $…$: not "$ " and not a money amount "$5 " ; the closing $ not after a space
    r"(?P<math>(?<![\\$\w])\$(?![\s$])(?!\d+(?:[.,]\d+)?(?:\s|$))(?P<tex>[^$\n]+?)(?<![\s\\])\$(?!\d))"
    r"|(?P<fn>\[\^(?P<label>[^\]\s]+)\]|\u2063(?P<mark>[^\u2063\s]+)\u2063)"
    r"|(?P<sub>~(?P<subtext>[^~\s]+)~)"
    r"|(?P<sup>\^(?P<suptext>[^\^\s]+)\^)"
)


def split_inline(text: str) -> list[tuple[str, str]]:
    """[("text", …), ("math", tex), ("sub", …), ("sup", …), ("footnote", label)] in order."""
    out: list[tuple[str, str]] = []
    pos = 0
    for match in _INLINE_RE.finditer(text):
        if match.start() > pos:
            out.append(("text", text[pos : match.start()]))
        if match.group("math"):
            out.append(("math", match.group("tex")))
        elif match.group("fn"):
            out.append(("footnote", match.group("label") or match.group("mark")))
        elif match.group("sub"):
            out.append(("sub", match.group("subtext")))
        else:
            out.append(("sup", match.group("suptext")))
        pos = match.end()
    if pos < len(text):
        out.append(("text", text[pos:]))
    return [part for part in out if part[1] or part[0] != "text"]


_DEF_LINE_RE = re.compile(r"^\[\^(?P<label>[^\]\s]+)\]:[ \t]*(?P<text>.*)$", re.M)
_REF_RE = re.compile(r"\[\^(?P<label>[^\]\s]+)\](?!:)")
#: What a footnote reference becomes before parsing: markdown-it leaves it as
#: text (``[^1]`` would otherwise be a link to a reference definition).
FOOTNOTE_MARK = "\u2063{}\u2063"


def extract_footnotes(text: str) -> tuple[str, dict[str, str]]:
    """The text without its ``[^1]: …`` definitions, references marked; and {label: footnote text}."""
    notes: dict[str, str] = {}

    def keep(match: re.Match) -> str:
        notes.setdefault(match.group("label"), match.group("text").strip())
        return ""

    text = _DEF_LINE_RE.sub(keep, text)
    if not notes:
        return text, notes
    text = _REF_RE.sub(
        lambda m: FOOTNOTE_MARK.format(m.group("label"))
        if m.group("label") in notes
        else m.group(0),
        text,
    )
    return text, notes
