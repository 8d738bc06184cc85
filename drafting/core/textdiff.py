"""Comparing texts token by token: CJK-aware tokenisers and a patience-style matcher.

Pure functions, no web and no database: the revision diff page
(:mod:`drafting.documents.diff`), the merge (:mod:`drafting.documents.merge`)
and the redline export (:mod:`drafting.export.redline`) all build on them.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Hashable, Sequence
from difflib import SequenceMatcher
from typing import Literal

__all__ = [
    "CJK",
    "FALLBACK_AREA",
    "OpTag",
    "absorb_spaces",
    "matching_blocks",
    "normalize_newlines",
    "opcodes",
    "sentence_tokens",
    "word_tokens",
]

# --------------------------------------------------------------------------
# Tokenisers
# --------------------------------------------------------------------------

# Scripts written without spaces between words: each character is a token.
CJK = (
    "\u2e80-\u2fdf"  # radicals
    "\u3005-\u3007\u3021-\u3029"  # 々〆〇 and Hangzhou numerals
    "\u3040-\u30ff"  # kana
    "\u3100-\u312f"  # bopomofo
    "\u3400-\u4dbf"  # extension A
    "\u4e00-\u9fff"  # unified ideographs
    "\uac00-\ud7af"  # hangul syllables
    "\uf900-\ufaff"  # compatibility ideographs
    "\U00020000-\U0003134f"  # extensions B-H
)

# One CJK character | a run of other letters/digits | a newline |
# a run of other whitespace | any other single character (punctuation).
_WORD_RE = re.compile(rf"[{CJK}]|[^\W_{CJK}]+|\n|[^\S\n]+|.", re.DOTALL)

# A sentence ends after 。；！？ (and any closing quotes or brackets that
# follow); a newline is a token of its own so sentences never span lines.
_SENTENCE_RE = re.compile(
    r"[^。；！？\n]*[。；！？]+[”’」』）)\]]*|[^。；！？\n]+|\n",
)


def word_tokens(text: str) -> list[str]:
    """Split text for character/word level comparison; ``"".join`` restores it.

    Each CJK character is a token; runs of Latin (or other alphabetic)
    letters and digits are a token; runs of whitespace are a token, except a
    newline, which is always alone; any other character (punctuation,
    symbols) is a token by itself.
    """
    return _WORD_RE.findall(text)


def sentence_tokens(text: str) -> list[str]:
    """Split text into sentences ending at 。；！？ and at newlines (lossless)."""
    return _SENTENCE_RE.findall(text)


def normalize_newlines(text: str) -> str:
    """Browsers send textarea content with CRLF; store and compare with LF only."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --------------------------------------------------------------------------
# Sequence matching
# --------------------------------------------------------------------------

# Ranges without any element that is unique on both sides fall back to
# difflib, whose worst case is quadratic; above this many element pairs the
# range is left unmatched (a replacement) instead of spending seconds on it.
FALLBACK_AREA = 40_000

Block = tuple[int, int, int]


def matching_blocks(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[Block]:
    """Return the blocks ``(i, j, n)`` with ``a[i:i+n] == b[j:j+n]``, in order.

    Same contract as :meth:`difflib.SequenceMatcher.get_matching_blocks`
    (adjacent blocks merged, a final ``(len(a), len(b), 0)`` sentinel), but
    computed like *patience diff*: strip the common prefix and suffix, anchor
    on elements occurring exactly once on each side (longest increasing
    subsequence of them), and recurse between the anchors. Only small ranges
    without such anchors go to difflib, so repeated lines (blank lines, table
    rules) and repeated characters (的, ，) cannot make it quadratic over a
    whole document.

    Every block is a true equality, so whatever is left unmatched is treated
    as changed: a poor alignment can only make a merge conflict more often,
    never hide a change.
    """
    n, m = len(a), len(b)
    blocks: list[Block] = []
    # Work budget against pathological nesting: once spent, remaining ranges
    # stay unmatched.
    budget = 10 * (n + m) + 10_000
    stack = [(0, n, 0, m)]
    while stack:
        alo, ahi, blo, bhi = stack.pop()
        k = 0
        while alo + k < ahi and blo + k < bhi and a[alo + k] == b[blo + k]:
            k += 1
        if k:
            blocks.append((alo, blo, k))
            alo += k
            blo += k
        k = 0
        while ahi - k > alo and bhi - k > blo and a[ahi - 1 - k] == b[bhi - 1 - k]:
            k += 1
        if k:
            blocks.append((ahi - k, bhi - k, k))
            ahi -= k
            bhi -= k
        if alo == ahi or blo == bhi:
            continue
        size = (ahi - alo) + (bhi - blo)
        if budget < size:
            continue
        budget -= size
        anchors = _unique_anchors(a, alo, ahi, b, blo, bhi)
        if anchors:
            prev_i, prev_j = alo, blo
            for i, j in anchors:
                stack.append((prev_i, i, prev_j, j))
                blocks.append((i, j, 1))
                prev_i, prev_j = i + 1, j + 1
            stack.append((prev_i, ahi, prev_j, bhi))
        elif (ahi - alo) * (bhi - blo) <= FALLBACK_AREA:
            budget -= (ahi - alo) * (bhi - blo) // 64
            matcher = SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
            for i, j, size_ in matcher.get_matching_blocks():
                if size_:
                    blocks.append((alo + i, blo + j, size_))
    blocks.sort()
    merged: list[Block] = []
    for i, j, size_ in blocks:
        if merged:
            pi, pj, pn = merged[-1]
            if pi + pn == i and pj + pn == j:
                merged[-1] = (pi, pj, pn + size_)
                continue
        merged.append((i, j, size_))
    merged.append((n, m, 0))
    return merged


def _unique_anchors(
    a: Sequence[Hashable], alo: int, ahi: int, b: Sequence[Hashable], blo: int, bhi: int
) -> list[tuple[int, int]]:
    """Pairs (i, j) of elements unique in a[alo:ahi] and in b[blo:bhi], kept in order."""
    seen_a: dict[Hashable, int] = {}
    for i in range(alo, ahi):
        x = a[i]
        seen_a[x] = -1 if x in seen_a else i
    seen_b: dict[Hashable, int] = {}
    for j in range(blo, bhi):
        x = b[j]
        if x in seen_a:
            seen_b[x] = -1 if x in seen_b else j
    # dict order is first-occurrence order, so unique elements come sorted by i
    pairs = [(i, seen_b[x]) for x, i in seen_a.items() if i >= 0 and seen_b.get(x, -1) >= 0]
    if not pairs:
        return []
    # longest increasing subsequence of j (patience sorting)
    tails_j: list[int] = []
    tails_k: list[int] = []
    back = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        pos = bisect_left(tails_j, j)
        if pos:
            back[k] = tails_k[pos - 1]
        if pos == len(tails_j):
            tails_j.append(j)
            tails_k.append(k)
        else:
            tails_j[pos] = j
            tails_k[pos] = k
    out = []
    k = tails_k[-1]
    while k >= 0:
        out.append(pairs[k])
        k = back[k]
    out.reverse()
    return out


OpTag = Literal["equal", "insert", "delete", "replace"]


def opcodes(blocks: list[Block]) -> list[tuple[OpTag, int, int, int, int]]:
    """Turn matching blocks into difflib-style opcodes."""
    ops: list[tuple[OpTag, int, int, int, int]] = []
    i = j = 0
    for bi, bj, size in blocks:
        if i < bi and j < bj:
            ops.append(("replace", i, bi, j, bj))
        elif i < bi:
            ops.append(("delete", i, bi, j, bj))
        elif j < bj:
            ops.append(("insert", i, bi, j, bj))
        if size:
            ops.append(("equal", bi, bi + size, bj, bj + size))
        i, j = bi + size, bj + size
    return ops


def absorb_spaces(
    ops: list[tuple[OpTag, int, int, int, int]], a: list[str]
) -> list[tuple[OpTag, int, int, int, int]]:
    """Join two changes separated only by whitespace ("quick brown" → "slow red")."""
    out: list[tuple[OpTag, int, int, int, int]] = []
    for k, op in enumerate(ops):
        tag, i1, i2, j1, j2 = op
        if (
            tag == "equal"
            and 0 < k < len(ops) - 1
            and out
            and out[-1][0] != "equal"
            and ops[k + 1][0] != "equal"
            and all(t.isspace() for t in a[i1:i2])
        ):
            _, pi1, _, pj1, _ = out.pop()
            out.append(("replace", pi1, i2, pj1, j2))
            continue
        if tag != "equal" and out and out[-1][0] != "equal":
            _, pi1, _, pj1, _ = out.pop()
            out.append(("replace", pi1, i2, pj1, j2))
            continue
        out.append(op)
    return out
