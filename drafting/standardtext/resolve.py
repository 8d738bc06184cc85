"""The walk after inline parsing: figures, images, links and references.

The structural pass (``structure.py``) has numbered everything it can see
before inline parsing; figures are only known once the image syntax is
parsed, and references can only be resolved once every number is known.
"""

from __future__ import annotations

from collections.abc import Collection

from markdown_it.token import Token

from drafting.standardtext.findings import Finding
from drafting.standardtext.model import Figure, Heading, Reference
from drafting.standardtext.structure import Structure, split_label, squash
from drafting.standardtext.syntax import attachment_name, is_safe_link


def _plain(children: list[Token] | None) -> str:
    if not children:
        return ""
    return "".join(
        c.content if c.type in ("text", "code_inline") else " " if c.type == "softbreak" else ""
        for c in children
    ).strip()


def _line_of(token: Token) -> int:
    return token.map[0] + 1 if token.map else 0


def finish(tokens: list[Token], structure: Structure, attachments: Collection[str] | None) -> None:
    """Number figures, judge images and links, collect and resolve references."""
    figures_in: dict[str, int] = {}
    for i, token in enumerate(tokens):
        if token.type != "inline" or not token.children:
            continue
        children = token.children
        scope: Heading | None = token.meta.get("scope")
        clause = scope.number if scope is not None else None
        line = _line_of(token)
        opener = tokens[i - 1]
        if opener.type == "heading_open" and "heading" in opener.meta:
            heading: Heading = opener.meta["heading"]
            if heading.kind != "term":
                heading.title = _plain(children)
        figure_image = _figure_image(opener, children)
        refused_link: Token | None = None
        for child in children:
            ctype = child.type
            if ctype == "xref":
                ref = Reference(child.content, line, clause)
                child.meta["ref"] = ref
                structure.references.append(ref)
            elif ctype == "image":
                _judge_image(child, structure, clause, line, attachments)
            elif ctype == "link_open":
                if not is_safe_link(str(child.attrs.get("href", ""))):
                    child.meta["refused"] = True
                    refused_link = child
            elif ctype == "link_close" and refused_link is not None:
                child.meta["refused"] = True
                refused_link = None
            elif ctype == "softbreak":
                line += 1
        if figure_image is not None:
            _add_figure(opener, figure_image, token.meta.get("annex"), figures_in, structure)
    _resolve(structure)


def _figure_image(opener: Token, children: list[Token]) -> Token | None:
    """A top-level paragraph holding nothing but one image is a figure."""
    if opener.type != "paragraph_open" or opener.level != 0 or opener.meta:
        return None
    image = None
    for child in children:
        if child.type == "image" and image is None:
            image = child
        elif child.type in ("softbreak", "std_comment") or (
            child.type == "text" and not child.content.strip()
        ):
            continue
        else:
            return None
    return image


def _judge_image(
    image: Token,
    structure: Structure,
    clause: str | None,
    line: int,
    attachments: Collection[str] | None,
) -> None:
    src = str(image.attrs.get("src", ""))
    name = attachment_name(src)
    if name is None:
        image.meta["refused"] = src
        structure.findings.append(Finding("image-refused", "error", clause, line, {"source": src}))
    elif attachments is not None and name not in attachments:
        image.meta["missing"] = name
        structure.findings.append(
            Finding("image-missing", "warning", clause, line, {"source": name})
        )
    else:
        image.meta["attachment"] = name


def _add_figure(
    opener: Token,
    image: Token,
    annex: str | None,
    figures_in: dict[str, int],
    structure: Structure,
) -> None:
    scope = annex or ""
    n = figures_in.get(scope, 0) + 1
    figures_in[scope] = n
    number = f"{scope}.{n}" if scope else str(n)
    caption, label = split_label(_plain(image.children))
    figure = Figure(
        number,
        caption.strip(),
        f"fig-{number}",
        _line_of(opener),
        image.meta.get("attachment"),
        refused=image.meta.get("refused"),
        label=label,
    )
    opener.meta["figure"] = figure
    image.meta["figure"] = figure
    structure.figures.append(figure)
    structure.index.setdefault(figure.display_number, (figure.anchor, figure.display_number))
    if label:
        key = f"#{label}"
        if key in structure.index:
            structure.findings.append(
                Finding("label-duplicate", "error", None, figure.line, {"label": label})
            )
        else:
            structure.index[key] = (figure.anchor, figure.display_number)


def normalize_target(target: str) -> str:
    return squash(target).replace("．", ".")


def _resolve(structure: Structure) -> None:
    index = structure.index
    for ref in structure.references:
        key = normalize_target(ref.target)
        found = index.get(key)
        if found is None and key.startswith("第") and key.endswith("章"):
            found = index.get(key[1:-1])  # [[第4章]] cites chapter 4
            if found is not None:
                found = (found[0], key)
        if found is not None:
            ref.anchor, shown = found
            ref.text = shown if key.startswith("#") else key
