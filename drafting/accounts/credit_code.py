"""Unified social credit code (统一社会信用代码, GB 32100-2015).

18 characters from a 31-character alphabet (no I, O, S, V, Z); the last
is a check character computed from the first seventeen.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(code: str) -> str:
    return code.strip().upper().replace(" ", "")


def is_valid(code: str) -> bool:
    code = normalise(code)
    if len(code) != 18 or any(ch not in ALPHABET for ch in code):
        return False
    return check_character(code[:17]) == code[17]


def problem(code: str) -> str | None:
    """Why `code` is not valid, as a message key, or None when it is."""
    code = normalise(code)
    if len(code) != 18:
        return "length"
    bad = [ch for ch in code if ch not in ALPHABET]
    if bad:
        return "characters"
    if check_character(code[:17]) != code[17]:
        return "check"
    return None
