"""Cells for every spreadsheet and CSV the app writes: no live formulas, no characters that break the file.

Text typed by anyone (a comment, an organization name, a statement) ends up
in these files, so each value goes through `cell()` on its way in:

- a value that a spreadsheet program would run as a formula (starting with
  ``=``, ``+``, ``-`` or ``@``, also after leading tabs, carriage returns, line
  feeds or spaces, and any value starting with a tab or carriage return) gets a
  leading apostrophe, the OWASP recommendation for CSV injection;
- control characters that XML 1.0 forbids (openpyxl refuses them with
  ``IllegalCharacterError``, which made an export fail for good) and lone
  surrogates (not encodable as UTF-8) become U+FFFD, so the reader sees that
  something was there; tab, line feed and carriage return stay;
- a value longer than a spreadsheet cell holds (32,767 characters) is cut,
  with an ellipsis, instead of producing a file Excel repairs on opening.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"
MAX_CELL = 32767
_FORMULA_START = ("=", "+", "-", "@")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: str) -> str:
    """`value` without characters an XML file (a spreadsheet, a .docx) cannot hold."""
    return _ILLEGAL.sub(REPLACEMENT, value)


def cell(value):
    """A value safe to write into an XLSX cell or a CSV field; non-text passes through."""
    if not isinstance(value, str):
        return value
    value = clean_text(value)
    if value[:1] in ("\t", "\r") or value.lstrip(" \t\r\n")[:1] in _FORMULA_START:
        value = "'" + value
    if len(value) > MAX_CELL:
        value = value[: MAX_CELL - 1] + "…"
    return value


def row(values) -> list:
    return [cell(v) for v in values]
