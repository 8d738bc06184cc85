"""The named Word styles of an exported standard, and the fonts they use.

Every element of a standard has its own paragraph or character style
("标准正文", "标准注"…; the English names are in ``STYLE_NAMES``), so a
secretariat can restyle the whole document in Word. Chinese text is set in
宋体 (body) and 黑体 (headings), the family names a Chinese Word has; the
document's font table names the Noto CJK fonts as their alternates, which is
what LibreOffice and a Word without those fonts fall back to.
"""

from __future__ import annotations

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

SONG = "宋体"
HEI = "黑体"
SONG_FALLBACK = "Noto Serif CJK SC"
HEI_FALLBACK = "Noto Sans CJK SC"
LATIN = "Times New Roman"

#: Style ids used in the XML (ASCII) → the style's name shown in Word.
#: Heading 1…5 are Word's built-in heading styles, so the navigation pane and
#: the TOC field find the clauses; they get an outline level each.
PARAGRAPH_STYLES: dict[str, tuple[str, str, float, bool, str]] = {
    # id: (name, font, size pt, bold, alignment)
    "StdBody": ("标准正文", SONG, 10.5, False, "justify"),
    "StdCoverCodes": ("标准封面ICS", HEI, 10.5, False, "left"),
    "StdCoverMark": ("标准封面标志", HEI, 26, True, "right"),
    "StdCoverMasthead": ("标准封面名称", HEI, 26, False, "center"),
    "StdCoverNumber": ("标准封面编号", HEI, 14, False, "right"),
    "StdCoverReplaces": ("标准封面代替", SONG, 10.5, False, "right"),
    "StdCoverTitle": ("标准封面中文名称", HEI, 26, False, "center"),
    "StdCoverTitleEn": ("标准封面英文名称", LATIN, 14, False, "center"),
    "StdCoverAdoption": ("标准封面一致性程度", SONG, 14, False, "center"),
    "StdCoverStage": ("标准封面阶段", SONG, 12, False, "center"),
    "StdCoverNotice": ("标准封面专利说明", SONG, 9, False, "center"),
    "StdCoverDates": ("标准封面日期", HEI, 14, False, "distribute"),
    "StdCoverIssuer": ("标准封面发布单位", HEI, 16, False, "center"),
    "StdTocTitle": ("标准目次标题", HEI, 16, False, "center"),
    "StdFrontTitle": ("标准前言引言标题", HEI, 16, False, "center"),
    "StdBodyTitle": ("标准正文首页名称", HEI, 16, False, "center"),
    "StdAnnexTitle": ("标准附录标题", HEI, 10.5, False, "center"),
    "StdBibliographyTitle": ("标准参考文献标题", HEI, 16, False, "center"),
    "StdTermNumber": ("标准术语条目编号", HEI, 10.5, False, "left"),
    "StdTerm": ("标准术语", HEI, 10.5, False, "left"),
    "StdNote": ("标准注", SONG, 9, False, "justify"),
    "StdExample": ("标准示例", SONG, 9, False, "justify"),
    "StdListDash": ("标准列项——", SONG, 10.5, False, "justify"),
    "StdListDot": ("标准列项·", SONG, 10.5, False, "justify"),
    "StdListLetter": ("标准列项a)", SONG, 10.5, False, "justify"),
    "StdListNumber": ("标准列项1)", SONG, 10.5, False, "justify"),
    "StdTableCaption": ("标准表标题", HEI, 10.5, False, "center"),
    "StdTableText": ("标准表格文字", SONG, 9, False, "left"),
    "StdTableNote": ("标准表注", SONG, 9, False, "left"),
    "StdFigure": ("标准图", SONG, 10.5, False, "center"),
    "StdFigureCaption": ("标准图标题", HEI, 10.5, False, "center"),
    "StdFormula": ("标准公式", SONG, 10.5, False, "left"),
    "StdCode": ("标准代码", "Noto Sans Mono CJK SC", 9, False, "left"),
    "StdQuote": ("标准引文", SONG, 10.5, False, "justify"),
    "StdFootnote": ("标准脚注", SONG, 9, False, "left"),
    "StdHeader": ("标准页眉", SONG, 10.5, False, "right"),
    "StdFooter": ("标准页脚", SONG, 9, False, "center"),
    "StdEndMark": ("标准终结线", SONG, 10.5, False, "center"),
}
CHARACTER_STYLES: dict[str, str] = {
    "StdNumber": "标准编号",
    "StdTermEn": "标准术语英文",
    "StdNoteLabel": "标准注标签",
    "StdXref": "标准引用",
    "StdFootnoteRef": "标准脚注引用",
    "StdFootnoteMark": "标准脚注编号",
    "StdTableFootnoteMark": "标准表脚注标记",
    "StdStrong": "标准加粗",
    "StdEmphasis": "标准强调",
}
HEADING_SIZE = 10.5
#: The PDF's body line-height is 1.55.
LINE_SPACING = 1.5
#: Heading 1 (chapters) … Heading 5 (1.1.1.1.1).
HEADING_LEVELS = 5

_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "distribute": WD_ALIGN_PARAGRAPH.DISTRIBUTE,
}


def set_fonts(rpr_owner, east_asian: str, latin: str = LATIN) -> None:
    """Name the Latin and the East Asian font of a style or run."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:cs"), latin)


def _outline(style, level: int) -> None:
    ppr = style.element.get_or_add_pPr()
    for old in ppr.findall(qn("w:outlineLvl")):
        ppr.remove(old)
    element = OxmlElement("w:outlineLvl")
    element.set(qn("w:val"), str(level))
    ppr.append(element)


def _paragraph_style(
    document, style_id: str, name: str, font: str, size: float, bold: bool, align: str
):
    styles = document.styles
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.element.set(qn("w:styleId"), style_id)
    style.base_style = styles["Normal"]
    style.font.size = Pt(size)
    style.font.bold = bold
    style.quick_style = True
    set_fonts(style.element, font, LATIN if font not in (HEI,) else LATIN)
    fmt = style.paragraph_format
    fmt.alignment = _ALIGN[align]
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0
    return style


def install_styles(document) -> None:
    """Add the standard's styles to a python-docx document and set its page size."""
    styles = document.styles
    normal = styles["Normal"]
    normal.font.size = Pt(10.5)
    set_fonts(normal.element, SONG)
    for style_id, (name, font, size, bold, align) in PARAGRAPH_STYLES.items():
        style = _paragraph_style(document, style_id, name, font, size, bold, align)
        if not style_id.startswith(("StdCover", "StdTable", "StdHeader", "StdFooter")):
            style.paragraph_format.line_spacing = LINE_SPACING  # as the PDF's line-height
        if style_id in ("StdBody", "StdListDash", "StdListDot", "StdListLetter", "StdListNumber"):
            style.paragraph_format.first_line_indent = Pt(21) if style_id == "StdBody" else None
        if style_id.startswith("StdList"):
            style.paragraph_format.left_indent = Pt(21)
        if style_id in ("StdFrontTitle", "StdBibliographyTitle", "StdTocTitle"):
            style.paragraph_format.space_before = Pt(24)
            style.paragraph_format.space_after = Pt(24)
        if style_id == "StdAnnexTitle":
            _outline(style, 0)
            style.paragraph_format.space_after = Pt(12)
        if style_id in ("StdFrontTitle", "StdBibliographyTitle"):
            _outline(style, 0)
        if style_id in ("StdTableCaption", "StdFigureCaption"):
            style.paragraph_format.space_before = Pt(6)
            style.paragraph_format.space_after = Pt(6)
            style.paragraph_format.keep_with_next = style_id == "StdTableCaption"
    for style_id, name in CHARACTER_STYLES.items():
        style = styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
        style.element.set(qn("w:styleId"), style_id)
        if style_id == "StdTermEn":
            set_fonts(style.element, SONG)
        if style_id in ("StdNoteLabel", "StdStrong"):
            style.font.bold = style_id == "StdStrong"
            if style_id == "StdNoteLabel":
                set_fonts(style.element, HEI)
        if style_id == "StdEmphasis":
            style.font.italic = True
        if style_id == "StdFootnoteRef":
            style.font.superscript = True
    for level in range(1, HEADING_LEVELS + 1):
        heading = styles[f"Heading {level}"]
        heading.font.size = Pt(HEADING_SIZE)
        heading.font.bold = False
        heading.font.italic = False
        heading.font.color.rgb = None
        set_fonts(heading.element, HEI)
        fmt = heading.paragraph_format
        fmt.space_before = Pt(6 if level > 1 else 12)
        fmt.space_after = Pt(6 if level > 1 else 12)
        fmt.keep_with_next = True
        fmt.line_spacing = LINE_SPACING
        fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
        _outline(heading, level - 1)
    for level in (1, 2, 3):
        toc = styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
        toc.element.set(qn("w:styleId"), f"TOC{level}")
        toc.base_style = normal
        toc.paragraph_format.left_indent = Pt(10.5 * (level - 1))
        toc.paragraph_format.space_after = Pt(3)
    _font_alternates(document)


def _font_alternates(document) -> None:
    """宋体 / 黑体 with the Noto CJK fonts named as their alternates in the font table.

    The template's font table is a plain part (bytes), so it is edited as XML here."""

    for rel in document.part.rels.values():
        if not rel.reltype.endswith("/fontTable"):
            continue
        part = rel.target_part
        root = etree.fromstring(part.blob)
        for family, alternate in ((SONG, SONG_FALLBACK), (HEI, HEI_FALLBACK)):
            font = etree.SubElement(root, qn("w:font"))
            font.set(qn("w:name"), family)
            etree.SubElement(font, qn("w:altName")).set(qn("w:val"), alternate)
            etree.SubElement(font, qn("w:charset")).set(qn("w:val"), "86")
            etree.SubElement(font, qn("w:family")).set(qn("w:val"), "auto")
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def page_setup(section) -> None:
    """A4 with the margins of GB/T 1.1 texts."""
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(25), Mm(20)
    section.left_margin, section.right_margin = Mm(25), Mm(20)
    section.header_distance, section.footer_distance = Mm(12), Mm(10)
