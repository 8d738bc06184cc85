"""Constructs the dialect does not support: kept visible and reported, never dropped.

YAML front matter, a ``[TOC]`` marker, ``==highlight==``, a fenced block in a
language that is not code (``mermaid``, ``plantuml``…) and a ``<!--`` that is
never closed print as the text they are; each gives a check finding with its
line, so the editor learns why it looks odd.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it.token import Token

from drafting.standardtext.findings import Finding

#: Fenced blocks in these languages (or none) are plain code listings.
CODE_LANGUAGES = frozenset(
    "text txt plain c cpp c++ csharp cs java javascript js typescript ts python py json xml "
    "html css sql shell sh bash console yaml yml toml ini go rust php ruby kotlin swift "
    "matlab r".split()
)
_TOC_RE = re.compile(r"^\s*\[(?:TOC|toc|目录|目次)\]\s*$")
_HIGHLIGHT_RE = re.compile(r"==(?=\S)[^=\n]+?(?<=\S)==")


def _line(token: Token, offset_text: str = "") -> int | None:
    if not token.map:
        return None
    return token.map[0] + 1 + offset_text.count("\n")


def _fence_closed(token: Token, lines: Sequence[str]) -> bool:
    """Whether the fence ends with its closing line (markdown-it runs an unclosed
    one to the end of the document, or of the quote or list holding it)."""
    if not token.map or not lines:
        return True
    start, end = token.map
    if end - 1 <= start or end - 1 >= len(lines):
        return False
    last = lines[end - 1].strip().lstrip(">").strip()
    char = token.markup[:1]
    return bool(char) and len(last) >= len(token.markup) and set(last) == {char}


def unsupported_findings(tokens: Sequence[Token], source: str = "") -> list[Finding]:
    """One finding per unsupported construct, in document order (``source``, the
    Markdown the tokens came from, lets a code block that is never closed be told)."""
    findings: list[Finding] = []
    lines = source.split("\n") if source else []
    for index, token in enumerate(tokens):
        if token.type == "std_front_matter":
            findings.append(Finding("front-matter-unsupported", "warning", None, _line(token)))
        elif token.type == "fence":
            language, _space, rest = token.info.strip().partition(" ")
            if lines and not _fence_closed(token, lines):
                findings.append(
                    Finding(
                        "fence-unclosed", "warning", None, _line(token), {"fence": token.markup}
                    )
                )
            if rest.strip():
                # Only the language is read from the info string; the rest never prints.
                findings.append(
                    Finding(
                        "fence-info-ignored",
                        "warning",
                        None,
                        _line(token),
                        {"text": rest.strip()[:60]},
                    )
                )
            if language and language.lower() not in CODE_LANGUAGES:
                findings.append(
                    Finding(
                        "fence-unsupported",
                        "warning",
                        None,
                        _line(token),
                        {"language": language[:40]},
                    )
                )
        elif token.type == "inline":
            content = token.content
            is_paragraph = index > 0 and tokens[index - 1].type == "paragraph_open"
            if is_paragraph and _TOC_RE.match(content):
                findings.append(Finding("toc-marker-unsupported", "warning", None, _line(token)))
                continue
            for match in _HIGHLIGHT_RE.finditer(content):
                findings.append(
                    Finding(
                        "highlight-unsupported",
                        "warning",
                        None,
                        _line(token, content[: match.start()]),
                        {"text": match.group(0)[:60]},
                    )
                )
            position = content.find("<!--")
            while position >= 0:
                if content.find("-->", position + 2) < 0:
                    findings.append(
                        Finding(
                            "comment-unclosed",
                            "warning",
                            None,
                            _line(token, content[:position]),
                        )
                    )
                    break
                position = content.find("<!--", content.find("-->", position + 2) + 3)
    return findings
