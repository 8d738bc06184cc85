"""前言 composed in the order GB/T 1.1-2020 (8.2) fixes.

:func:`compose_foreword` is the one place that decides what the foreword
says: the parts generated from data (起草依据, 代替, 一致性程度, the patent
sentence, 起草单位, 主要起草人) and the blocks the editor typed, each in its
part. A typed block that repeats a generated part is left out (the checks
warn about it); everything else the editor wrote is printed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markupsafe import Markup, escape

from drafting.export.meta import DocumentMeta
from drafting.standardtext import Section
from drafting.standardtext.foreword import (
    GB_T_1_1_SENTENCE,
    PATENT_SENTENCE,
    Part,
    classify,
    is_default_patent_sentence,
    squash_spaces,
)

ADOPTION_RE = re.compile(r"^\s*(?P<document>\S.*?)\s*[,，]\s*(?P<degree>IDT|MOD|NEQ)\s*$")
_ADOPTION_SENTENCES = {
    "IDT": "本文件等同采用{document}。",
    "MOD": "本文件修改采用{document}。",
    "NEQ": "本文件与{document}的一致性程度为非等效。",
}


def adoption_sentence(adoption: str) -> str:
    """ "ISO 12345:2020, MOD" → 本文件修改采用ISO 12345:2020。"""
    match = ADOPTION_RE.match(adoption)
    if match is None:
        return f"本文件与国际文件的一致性程度：{adoption.strip()}。"
    return _ADOPTION_SENTENCES[match.group("degree")].format(document=match.group("document"))


def adoption_label(adoption: str) -> str:
    """The cover's 一致性程度标识: （ISO 12345:2020，MOD）."""
    match = ADOPTION_RE.match(adoption)
    if match is None:
        return f"（{adoption.strip()}）"
    return f"（{match.group('document')}，{match.group('degree')}）"


def _p(text: str, css: str) -> Markup:
    return Markup('<p class="foreword-generated {}">{}</p>').format(css, escape(text))


def compose_foreword(
    meta: DocumentMeta,
    section: Section | None,
    *,
    drafting_units: Sequence[str],
    drafters: Sequence[str],
) -> list[Markup]:
    """The foreword's blocks in order. ``drafters`` is the ordered list of
    names (the data layer decides the order: main units' drafters first)."""
    parts: dict[Part, list[Markup]] = {part: [] for part in Part}
    typed_changes = typed_correspondence = False
    for block in section.blocks if section is not None else ():
        own = classify(block.text)
        if own is Part.BASIS:
            continue
        if own is Part.UNITS and drafting_units:
            continue
        if own is Part.DRAFTERS and drafters:
            continue
        if (
            own is Part.PATENTS
            and not meta.known_patents
            and is_default_patent_sentence(block.text)
        ):
            continue
        if own is Part.CHANGES and squash_spaces(block.text).startswith("本文件代替"):
            typed_changes = True
        if own is Part.CORRESPONDENCE:
            typed_correspondence = True
        parts[block.part or Part.RELATION].append(Markup(block.html))
    if section is not None and not section.blocks and section.body_html.strip():
        # A section built without its blocks: print its body as it is, never lose it.
        parts[Part.RELATION].append(Markup(section.body_html))
    parts[Part.BASIS].insert(0, _p(GB_T_1_1_SENTENCE, "basis"))
    if meta.replaces and not typed_changes:
        parts[Part.CHANGES].insert(0, _p(f"本文件代替{meta.replaces}。", "replaces"))
    if meta.adoption and not typed_correspondence:
        parts[Part.CORRESPONDENCE].insert(0, _p(adoption_sentence(meta.adoption), "adoption"))
    if not meta.known_patents:
        parts[Part.PATENTS].insert(0, _p(PATENT_SENTENCE, "patents"))
    if drafting_units:
        text = "本文件起草单位：" + "、".join(drafting_units) + "。"
        parts[Part.UNITS].insert(0, _p(text, "units"))
    if drafters:
        parts[Part.DRAFTERS].insert(
            0, _p("本文件主要起草人：" + "、".join(drafters) + "。", "drafters")
        )
    return [html for part in Part for html in parts[part]]
