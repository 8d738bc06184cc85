"""Three-way merge of a standard's text (see DESIGN.md, "No lost work").

A save names the revision it was based on (``base``) and carries the editor's
text (``ours``); if the head has moved meanwhile (``theirs``) the two are
merged like diff3:

1. Split the three texts into lines and run diff3 (the ``merge3`` library
   with :func:`drafting.documents.diff.matching_blocks` as the matcher).
2. A Chinese paragraph is a single line, so two people editing different
   sentences of one paragraph collide at line level. Each conflicting hunk is
   therefore merged again, first with sentences as tokens (split after
   。；！？), then, if that still conflicts, with characters for CJK text and
   words, spaces and punctuation for Latin text.
3. The character/word merge is accepted only if no sentence of the base was
   changed by both sides. A sentence is the unit of meaning: if A changes 应
   to 宜 and B adds words later in the same sentence, the merged sentence is
   one neither editor wrote (and may turn a requirement into a
   recommendation), so it is a conflict showing both versions. Sentences end
   after 。；！？ (or . ! ? ; followed by a space), at a line break and at a
   table cell's ``|``; an insertion touches the sentence it lands inside,
   not one it only borders.
4. A hunk that still conflicts is reported as a conflict, with its lines from
   all three texts.

Nothing can be silently dropped: diff3 only ever takes a region from one
side when the other side's version of that region is identical to the base,
i.e. when the other side did not change it; whenever both sides changed the
same region differently (including inserting different text at the same
point) the region is a conflict. The finer retries are diff3 too, on a
smaller piece, so the same holds for them, and step 3 only turns merges into
conflicts. diff-match-patch's fuzzy ``patch_apply`` is deliberately not used:
it can report success while losing a concurrent change in the same sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from merge3 import Merge3

from .diff import matching_blocks, normalize_newlines, sentence_tokens, word_tokens

__all__ = [
    "BASE_LABEL",
    "OURS_LABEL",
    "THEIRS_LABEL",
    "Conflict",
    "MergeResult",
    "has_conflict_markers",
    "merge_texts",
]

OURS_LABEL = "你的修改"
BASE_LABEL = "原文"
THEIRS_LABEL = "他人的修改"

# A conflicting hunk with more tokens than this on any side is reported as a
# conflict without the finer retry, so that no save spends seconds on it (the
# matcher is near-linear: a hunk of this size takes tens of milliseconds).
MAX_FINE_TOKENS = 100_000
# Lines of merged text kept before and after each conflict for display.
CONTEXT_LINES = 3


@dataclass(frozen=True)
class Conflict:
    """A region both sides changed differently.

    Line ranges are 0-based and half-open, like Python slices, into the
    normalised (LF) texts; an empty range means that side has no lines there
    (it deleted them, or the other side inserted lines). ``before`` and
    ``after`` are up to :data:`CONTEXT_LINES` lines of the merged text around
    the conflict, for showing it in place.
    """

    base: str
    ours: str
    theirs: str
    base_lines: tuple[int, int]
    ours_lines: tuple[int, int]
    theirs_lines: tuple[int, int]
    before: str = ""
    after: str = ""
    reason: Literal["overlap", "too_large"] = "overlap"


@dataclass
class MergeResult:
    clean: bool
    text: str | None
    conflicts: list[Conflict] = field(default_factory=list)
    # merged text in order: resolved strings and conflicts
    parts: list[str | Conflict] = field(default_factory=list, repr=False)

    def conflict_text(
        self,
        ours_label: str = OURS_LABEL,
        base_label: str = BASE_LABEL,
        theirs_label: str = THEIRS_LABEL,
    ) -> str:
        """The merge with diff3-style markers around each conflict, for the editor."""
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            out.append(f"<<<<<<< {ours_label}\n")
            out.append(_with_newline(part.ours))
            out.append(f"||||||| {base_label}\n")
            out.append(_with_newline(part.base))
            out.append("=======\n")
            out.append(_with_newline(part.theirs))
            out.append(f">>>>>>> {theirs_label}\n")
        return "".join(out)

    def resolve(
        self, choices: Literal["ours", "theirs"] | Sequence[Literal["ours", "theirs"]]
    ) -> str:
        """The merge with every conflict (or each, in order) resolved to one side."""
        if isinstance(choices, str):
            choices = [choices] * len(self.conflicts)
        if len(choices) != len(self.conflicts):
            raise ValueError("one choice per conflict is needed")
        pick = iter(choices)
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
            else:
                choice = next(pick)
                if choice not in ("ours", "theirs"):
                    raise ValueError(f"unknown choice {choice!r}")
                out.append(part.ours if choice == "ours" else part.theirs)
        return "".join(out)


def has_conflict_markers(text: str) -> bool:
    """True if the text still holds a conflict block from :meth:`MergeResult.conflict_text`.

    Needs both a ``<<<<<<<`` and a later ``>>>>>>>`` line: a lone ``=======``
    is a Markdown heading underline.
    """
    started = False
    for line in normalize_newlines(text).split("\n"):
        if line.startswith("<<<<<<<"):
            started = True
        elif started and line.startswith(">>>>>>>"):
            return True
    return False


def merge_texts(base: str, ours: str, theirs: str) -> MergeResult:
    """Merge the changes base→ours and base→theirs (texts are normalised to LF)."""
    base, ours, theirs = map(normalize_newlines, (base, ours, theirs))
    if ours == theirs or theirs == base:
        return MergeResult(True, ours, [], [ours])
    if ours == base:
        return MergeResult(True, theirs, [], [theirs])

    base_l, ours_l, theirs_l = _lines(base), _lines(ours), _lines(theirs)
    merge = Merge3(base_l, ours_l, theirs_l, sequence_matcher=_Matcher)
    parts: list[str | Conflict] = []
    buffer: list[str] = []
    for region in merge.merge_regions():
        kind = region[0]
        if kind == "unchanged":
            buffer.extend(base_l[region[1] : region[2]])
        elif kind in ("a", "same"):
            buffer.extend(ours_l[region[1] : region[2]])
        elif kind == "b":
            buffer.extend(theirs_l[region[1] : region[2]])
        else:
            _, z1, z2, a1, a2, b1, b2 = region
            z, a, b = ("".join(base_l[z1:z2]), "".join(ours_l[a1:a2]), "".join(theirs_l[b1:b2]))
            merged, reason = _merge_fine(z, a, b)
            if merged is not None:
                buffer.append(merged)
                continue
            if buffer:
                parts.append("".join(buffer))
                buffer = []
            parts.append(Conflict(z, a, b, (z1, z2), (a1, a2), (b1, b2), reason=reason))
    if buffer:
        parts.append("".join(buffer))

    conflicts = _add_context(parts)
    if conflicts:
        return MergeResult(False, None, conflicts, parts)
    text = "".join(p for p in parts if isinstance(p, str))
    return MergeResult(True, text, [], parts)


class _Matcher:
    """The part of difflib.SequenceMatcher's interface that merge3 uses."""

    def __init__(
        self,
        isjunk: Callable[[Hashable], bool] | None = None,
        a: Sequence[Hashable] = (),
        b: Sequence[Hashable] = (),
        autojunk: bool = False,
    ) -> None:
        self.a, self.b = a, b

    def get_matching_blocks(self) -> list[tuple[int, int, int]]:
        return matching_blocks(self.a, self.b)


def _lines(text: str) -> list[str]:
    # Split on "\n" only: str.splitlines() would also split on U+2028, \x0c …
    pieces = text.split("\n")
    lines = [p + "\n" for p in pieces[:-1]]
    if pieces[-1]:
        lines.append(pieces[-1])
    return lines


def _merge_fine(
    base: str, ours: str, theirs: str
) -> tuple[str | None, Literal["overlap", "too_large"]]:
    """Merge one conflicting hunk by sentences, then by characters/words
    unless both sides changed the same sentence."""
    # no token is longer than this on average in real text: skip tokenising
    # megabytes only to find the hunk too large
    if max(len(base), len(ours), len(theirs)) > 8 * MAX_FINE_TOKENS:
        return None, "too_large"
    for tokenize, same_sentence_check in ((sentence_tokens, False), (word_tokens, True)):
        z, a, b = tokenize(base), tokenize(ours), tokenize(theirs)
        if max(len(z), len(a), len(b)) > MAX_FINE_TOKENS:
            return None, "too_large"
        merged = _diff3_clean(z, a, b, sentences=sentence_ids(z) if same_sentence_check else None)
        if merged is not None:
            return merged, "overlap"
    return None, "overlap"


_SENTENCE_END = frozenset("。；！？|\n")
_LATIN_SENTENCE_END = frozenset(".!?;")


def sentence_ids(tokens: Sequence[str]) -> list[int]:
    """The sentence number of each word token (a sentence's end belongs to it)."""
    ids: list[int] = []
    k = 0
    for i, token in enumerate(tokens):
        ids.append(k)
        if token in _SENTENCE_END or (
            token in _LATIN_SENTENCE_END and (i + 1 == len(tokens) or tokens[i + 1].isspace())
        ):
            k += 1
    return ids


def _touched(sentences: Sequence[int], z1: int, z2: int) -> set[int]:
    """The base sentences a change of base tokens [z1, z2) touches."""
    if z2 > z1:
        return set(sentences[z1:z2])
    # an insertion touches the sentence it lands inside, not one it borders
    if 0 < z1 < len(sentences) and sentences[z1 - 1] == sentences[z1]:
        return {sentences[z1]}
    return set()


def _diff3_clean(
    base: list[str],
    ours: list[str],
    theirs: list[str],
    *,
    sentences: Sequence[int] | None = None,
) -> str | None:
    """diff3 of token lists: the merged text, or None if any region conflicts
    (or, given the base's ``sentences``, if both sides changed one sentence)."""
    out: list[str] = []
    touched_ours: set[int] = set()
    touched_theirs: set[int] = set()
    iz = ia = ib = 0
    merge = Merge3(base, ours, theirs, sequence_matcher=_Matcher)
    for zmatch, zend, amatch, aend, bmatch, bend in merge.find_sync_regions():
        z, a, b = base[iz:zmatch], ours[ia:amatch], theirs[ib:bmatch]
        if a == b:  # unchanged, or the same change on both sides
            out.extend(a)
        elif a == z:
            out.extend(b)
            if sentences is not None:
                touched_theirs |= _touched(sentences, iz, zmatch)
        elif b == z:
            out.extend(a)
            if sentences is not None:
                touched_ours |= _touched(sentences, iz, zmatch)
        else:
            return None
        out.extend(base[zmatch:zend])
        iz, ia, ib = zend, aend, bend
    if touched_ours & touched_theirs:
        return None
    return "".join(out)


def _add_context(parts: list[str | Conflict]) -> list[Conflict]:
    """Fill in each conflict's surrounding lines; return the conflicts in order."""
    conflicts = []
    for k, part in enumerate(parts):
        if isinstance(part, str):
            continue
        before = parts[k - 1] if k > 0 else ""
        after = parts[k + 1] if k + 1 < len(parts) else ""
        part = replace(
            part,
            before="".join(_lines(before)[-CONTEXT_LINES:]) if isinstance(before, str) else "",
            after="".join(_lines(after)[:CONTEXT_LINES]) if isinstance(after, str) else "",
        )
        parts[k] = part
        conflicts.append(part)
    return conflicts


def _with_newline(text: str) -> str:
    return text if not text or text.endswith("\n") else text + "\n"
