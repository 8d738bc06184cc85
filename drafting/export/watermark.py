"""The stage watermark ("征求意见稿") as a picture, not text.

Drawn as an image, the watermark has no characters for ``pdftotext`` (or a
screen reader, or a copy-paste) to mix into the body text; it is the page
background of the front and main matter only, so it never crosses the cover.
A PNG is embedded once and shown on every page: on the 46-page sample it cost
no measurable time, where the same watermark as SVG glyph outlines (drawn
again on each page) cost 20 % more CPU. The PNGs are made once from Noto Sans
CJK SC with Pillow (a WeasyPrint dependency) and kept in
``static/export/watermark/<stage>.png``; regenerate them with
``python -m drafting.export.watermark`` after changing a stage label.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from drafting.export.meta import STAGE_LABELS

WATERMARK_DIR = Path(__file__).resolve().parents[2] / "static" / "export" / "watermark"
#: A4 at 150 dpi; the text is 54 pt, at -35°, 7 % black.
DPI = 150
PAGE_PX = (round(210 / 25.4 * DPI), round(297 / 25.4 * DPI))
FONT_PT = 54
ANGLE = 35
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


def watermark_image(label: str) -> Image.Image:
    """A page-sized, mostly transparent grey-alpha image of ``label``."""
    path, index = _font_file()
    font = ImageFont.truetype(path, round(FONT_PT / 72 * DPI), index=index)
    left, top, right, bottom = font.getbbox(label)
    text = Image.new("L", (right - left + 40, bottom - top + 40), 0)
    ImageDraw.Draw(text).text((20 - left, 20 - top), label, font=font, fill=255)
    text = text.rotate(ANGLE, expand=True, resample=Image.Resampling.BICUBIC)
    alpha = Image.new("L", PAGE_PX, 0)
    alpha.paste(text, ((PAGE_PX[0] - text.width) // 2, (PAGE_PX[1] - text.height) // 2))
    top_alpha = round(255 * OPACITY)
    alpha = alpha.point(lambda value: value * top_alpha // 255)
    image = Image.new("LA", PAGE_PX, 0)
    image.putalpha(alpha)
    return image


def write_all(directory: Path = WATERMARK_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for stage, label in STAGE_LABELS.items():
        if label:
            target = directory / f"{stage.value}.png"
            watermark_image(label).save(target, optimize=True)
            written.append(target)
    return written


if __name__ == "__main__":
    for written_path in write_all():
        sys.stdout.write(f"{written_path}\n")
