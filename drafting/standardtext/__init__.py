"""The Markdown dialect of a group standard: parse, render, check.

Conventions are documented for users in ``docs/conventions.md``. In short:
``# 前言`` / ``# 引言`` / ``# 参考文献`` are the unnumbered elements, other ``#``
headings are chapters numbered 1, 2… (``##`` → 1.1, down to 1.1.1.1.1),
``# 附录（规范性）标题`` is an annex (A, B…), headings under ``# 术语和定义`` are
term entries, ``注：`` / ``示例：`` paragraphs are notes and examples, ``表：标题``
above a table captions it, a paragraph holding only ``![标题](附件名)`` is a
figure, and ``[[4.2]]`` / ``[[表1]]`` / ``[[附录A]]`` / ``[[#label]]`` cite them.
"""

from drafting.standardtext.checks import VerbalFormCount, run_checks, verbal_form_counts
from drafting.standardtext.findings import Finding, Severity
from drafting.standardtext.messages import MESSAGES
from drafting.standardtext.model import (
    Figure,
    Heading,
    Reference,
    Rendered,
    Section,
    Table,
    Term,
)
from drafting.standardtext.render import render
from drafting.standardtext.skeleton import SKELETON
from drafting.standardtext.structure import MAX_DEPTH
from drafting.standardtext.syntax import attachment_name, is_safe_link

__all__ = [
    "MAX_DEPTH",
    "MESSAGES",
    "SKELETON",
    "Figure",
    "Finding",
    "Heading",
    "Reference",
    "Rendered",
    "Section",
    "Severity",
    "Table",
    "Term",
    "VerbalFormCount",
    "attachment_name",
    "is_safe_link",
    "render",
    "run_checks",
    "verbal_form_counts",
]
