"""The stage watermark ("征求意见稿") as an SVG of glyph outlines, not text.

Drawn as paths, the watermark has no characters for ``pdftotext`` (or a
screen reader, or a copy-paste) to mix into the body text; it is the page
background of the front and main matter only, so it never crosses the cover.
The SVGs are made once from Noto Sans CJK SC and kept in
``static/export/watermark/<stage>.svg``; regenerate them with
``python -m drafting.export.watermark`` after changing a stage label.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.ttLib import TTFont

from drafting.export.meta import STAGE_LABELS

WATERMARK_DIR = Path(__file__).resolve().parents[2] / "static" / "export" / "watermark"
#: A4 in millimetres; the text is 54 pt (19.05 mm) high, at -35°, 7 % black.
PAGE_W, PAGE_H = 210, 297
FONT_MM = 54 * 25.4 / 72
ANGLE = -35
FILL = "#000"
OPACITY = 0.07


def _font_file() -> tuple[str, int]:
    found = subprocess.run(
        ["fc-match", "-f", "%{file}:%{index}", "Noto Sans CJK SC"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path, _, index = found.rpartition(":")
    return path, int(index or 0)


def watermark_svg(label: str) -> str:
    """The SVG for one stage label (fontTools comes with WeasyPrint)."""
    path, index = _font_file()
    font = TTFont(path, fontNumber=index, lazy=True)
    glyphs, cmap = font.getGlyphSet(), font.getBestCmap()
    units = font["head"].unitsPerEm
    scale = FONT_MM / units
    parts, x = [], 0
    for ch in label:
        name = cmap[ord(ch)]
        pen = SVGPathPen(glyphs)
        glyphs[name].draw(pen)
        parts.append(f'<path transform="translate({x} 0)" d="{pen.getCommands()}"/>')
        x += glyphs[name].width
    middle = 0.38 * units  # about half the height of a CJK ideograph above the baseline
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'width="{PAGE_W}mm" height="{PAGE_H}mm" viewBox="0 0 {PAGE_W} {PAGE_H}">'
        f'<g fill="{FILL}" fill-opacity="{OPACITY}" '
        f'transform="translate({PAGE_W / 2} {PAGE_H / 2}) rotate({ANGLE}) '
        f'scale({scale:.6f} {-scale:.6f}) translate({-x / 2:.1f} {-middle:.1f})">'
        + "".join(parts)
        + "</g></svg>\n"
    )


def write_all(directory: Path = WATERMARK_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for stage, label in STAGE_LABELS.items():
        if label:
            target = directory / f"{stage.value}.svg"
            target.write_text(watermark_svg(label), encoding="utf-8")
            written.append(target)
    return written


if __name__ == "__main__":
    for written_path in write_all():
        sys.stdout.write(f"{written_path}\n")
