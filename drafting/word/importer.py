""".docx → our Markdown dialect, the cover fields, the images, and what could not be converted.

python-docx opens the package (styles, numbering, relationships, images);
the body is read from its XML in document order, because python-docx's
object model hides what a standard is made of (field codes, OMML, footnote
references, merged cells). Elements are recognised by style *and* by the
text conventions of GB/T 1.1 (``4.2　标题``, ``附录A（规范性）``, ``注1：``,
``——``, ``a)``, ``表1　标题``, ``图1　标题``), so drafts written with Word's own
templates, with a standard-writing tool, or exported by us all come in.

Nothing is dropped silently: what cannot be converted is kept as text in the
Markdown and listed in ``findings`` with its place (paragraph or table number).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from drafting.export.assemble import GB_T_1_1_SENTENCE
from drafting.export.foreword import adoption_sentence
from drafting.standardtext import attachment_name
from drafting.standardtext.foreword import is_default_patent_sentence
from drafting.standardtext.structure import split_term, squash
from drafting.word.math import omml_to_latex

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
V = "urn:schemas-microsoft-com:vml"

#: Zip-bomb limits: what the unpacked package may hold.
MAX_ENTRIES = 2000
MAX_UNPACKED = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_PART = 50 * 1024 * 1024


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def m(tag: str) -> str:
    return f"{{{M}}}{tag}"


class ImportRefused(ValueError):
    """The file is not a .docx we will open. ``str()`` is the user's message (Chinese / English)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(slots=True)
class ImportFinding:
    """Something the import could not convert, and where it is in the Word file.

    ``place`` is "第3页（约），第12段" / "第12段" / "表格3"; ``page`` is the page as
    Word last laid the file out (None when the file holds no page break of any
    kind), ``paragraph`` the body paragraph, ``table`` the table; ``text`` what was kept."""

    code: str
    place: str
    message: str
    text: str = ""
    page: int | None = None
    paragraph: int | None = None
    table: int | None = None

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "place": self.place,
            "message": self.message,
            "text": self.text,
            "page": self.page,
            "paragraph": self.paragraph,
            "table": self.table,
        }


def place_of(page: int | None, paragraph: int | None = None, table: int | None = None) -> str:
    """ "第3页（约），第12段": the page first (approximate), then the paragraph or table."""
    where = f"表格{table}" if table is not None else f"第{paragraph}段"
    return f"第{page}页（约），{where}" if page is not None else where


@dataclass
class ImportResult:
    text: str
    meta: dict[str, str] = field(default_factory=dict)
    images: dict[str, bytes] = field(default_factory=dict)
    findings: list[ImportFinding] = field(default_factory=list)


MESSAGES = {
    "image-type": "图片不是PNG或JPEG格式，未能导入；请另存为PNG后上传。 / The image is not PNG or JPEG.",
    "formula": "公式含有无法转换的结构，已保留其文字。 / The formula could not be converted; its text is kept.",
    "textbox": "文本框的文字已作为普通段落导入。 / Text box content was imported as a paragraph.",
    "object": "嵌入对象（图表、OLE对象等）无法转换。 / An embedded object (chart, OLE) cannot be converted.",
    "nested-table": "表格中的嵌套表格已展开为文字。 / A table inside a table was flattened to text.",
    "image-missing": "图片数据缺失。 / The image data is missing.",
    "image-in-table": "表格中的图片未能导入。 / An image inside a table cannot be imported.",
}


def check_package(data: bytes) -> None:
    """Refuse what is not a .docx, or would unpack to far more than it weighs."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ImportRefused(
            "该文件不是Word文档（.docx）。 / The file is not a Word document (.docx).", "file_type"
        ) from exc
    with zf:
        infos = zf.infolist()
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names or "word/document.xml" not in names:
            raise ImportRefused(
                "该文件不是Word文档（.docx）。 / The file is not a Word document (.docx).",
                "file_type",
            )
        total = sum(info.file_size for info in infos)
        packed = max(1, sum(info.compress_size for info in infos))
        if (
            len(infos) > MAX_ENTRIES
            or total > MAX_UNPACKED
            or total / packed > MAX_RATIO
            or any(info.file_size > MAX_PART for info in infos)
        ):
            raise ImportRefused(
                "该Word文档解压后过大，疑似压缩炸弹，已拒绝。 / The document unpacks to too much data and was refused.",
                "zip_bomb",
            )


# --- reading ----------------------------------------------------------------------

_HEADING_STYLE_RE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)
_NUMBERED_RE = re.compile(
    r"^(?P<num>(?:\d{1,2}|[A-Z])(?:[.．]\d{1,2}){0,5})[\s\u3000]+(?P<title>\S.*)$", re.S
)
_BARE_NUMBER_RE = re.compile(r"^(?:\d{1,2}|[A-Z])(?:[.．]\d{1,2}){1,5}$")
_ANNEX_RE = re.compile(
    r"^附\s*录\s*(?P<letter>[A-Z])\s*(?:[（(]\s*(?P<nature>规范性|资料性)(?:附录)?\s*[)）])?\s*(?P<title>.*)$",
    re.S,
)
_NOTE_RE = re.compile(r"^注\s*\d*\s*[:：]\s*")
_EXAMPLE_RE = re.compile(r"^示例\s*\d*\s*[:：]\s*")
_TABLE_CAPTION_RE = re.compile(r"^表\s*(?:[A-Z]\s*[.．]\s*)?\d+[\s\u3000]*(?P<title>.*)$", re.S)
_FIGURE_CAPTION_RE = re.compile(r"^图\s*(?:[A-Z]\s*[.．]\s*)?\d+[\s\u3000]*(?P<title>.*)$", re.S)
_DASH_RE = re.compile(r"^(?:——|—|－－)\s*")
_DOT_RE = re.compile(r"^[·•]\s*")
_LETTER_RE = re.compile(r"^[a-z]{1,2}[)）][\s\u3000]*")
_DIGIT_RE = re.compile(r"^\d{1,2}[)）][\s\u3000]*")
_FORMULA_NUMBER_RE = re.compile(r"^[\s\t]*[（(]\s*(?:[A-Z][.．])?\d+\s*[)）][\s\t]*$")
_COVER_NUMBER_RE = re.compile(r"^T/[A-Za-z]+\s*\d[\d.]*\s*[—–\-－]+\s*\d{4}$")
_DATES_RE = re.compile(r"^(?P<pub>\S+)\s*发布\s+(?P<impl>\S+)\s*实施$")
_STAGES = ("工作组讨论稿", "征求意见稿", "送审稿", "报批稿")
#: A table-of-contents line typed or left as text: "4.1 一般要求 ........ 3".
_TOC_LINE_RE = re.compile(r"(?:\.{3,}|…{2,}|·{3,}|\t)\s*[IVXLCivxlc\d]+\s*$")
#: The cover's 一致性程度标识 "（ISO 12345:2020，MOD）".
_ADOPTION_LABEL_RE = re.compile(r"^[（(](?P<document>\S.*?)[，,]\s*(?P<degree>IDT|MOD|NEQ)[）)]$")
#: A table footnote's mark in a cell, and its entry in the table's frame "a)　text".
_TABLE_FN_MARK_RE = re.compile(r"^[a-z]\)$")
_TABLE_FN_RE = re.compile(r"^(?P<letter>[a-z])\)[\s\u3000]+(?P<text>\S.*)$", re.S)
#: The ")" after Word's footnote number ("1)"), and a custom mark typed at a footnote's start.
_SUFFIX_RE = re.compile(r"^\)")
_CUSTOM_MARK_RE = re.compile(
    r"^(?:\^(?:\d{1,3}|[a-z*†‡])[)）]?\^|(?:\d{1,3}|[a-z*†‡])[)）])[\s\u3000]*"
)
_UNITS_RE = re.compile(r"^本文件(?:主要)?起草(?:单位|人)：")


@dataclass
class _Para:
    """One paragraph as the classifier sees it."""

    index: int
    style: str
    level: int | None  # outline level from the style or the paragraph (0 = chapter)
    text: str  # Markdown inline text
    plain: str  # without markup, for recognising
    images: list[tuple[str, bytes | None, str]] = field(default_factory=list)  # (name, data, type)
    display_math: str | None = None
    footnotes: list[tuple[str, str]] = field(default_factory=list)
    numbering: tuple[str, int] | None = None  # (numFmt, ilvl) of Word list numbering
    toc_field: bool = False
    labels: list[str] = field(default_factory=list)  # {#label}s kept in bookmarks
    align: str | None = None  # w:jc of the paragraph itself


class _Reader:
    def __init__(self, document) -> None:
        self.document = document
        self.part = document.part
        self.styles = {s.style_id: s for s in document.styles}
        self.findings: list[ImportFinding] = []
        self.images: dict[str, bytes] = {}
        self.footnote_count = 0
        self.numbering = self._numbering()
        self.in_toc_field = False
        self.image_count = 0
        self.pages: dict = {}  # body block (w:p, w:tbl) → the page it starts on
        self.page: int | None = None  # the page of the block being read
        self.footnote_texts = self._footnotes()

    # the package

    def _footnotes(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for rel in self.part.rels.values():
            if rel.reltype == RT.FOOTNOTES and not rel.is_external:
                root = etree.fromstring(rel.target_part.blob)
                for note in root.findall(w("footnote")):
                    if note.get(w("type")) in (
                        "separator",
                        "continuationSeparator",
                        "continuationNotice",
                    ):
                        continue
                    # read like body text: formulas, sub/superscripts and emphasis are kept
                    texts = [self.paragraph(p, 0).text for p in note.findall(w("p"))]
                    text = " ".join(t.strip() for t in texts if t.strip())
                    if note.find(f".//{w('footnoteRef')}") is None:
                        text = _CUSTOM_MARK_RE.sub("", text, count=1)  # a custom mark typed as text
                    out[note.get(w("id"), "")] = text
        return out

    def _numbering(self) -> dict[tuple[str, int], str]:
        """(numId, ilvl) → numFmt ("bullet", "lowerLetter", "decimal"…)."""
        try:
            root = self.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return {}
        abstract: dict[str, dict[int, str]] = {}
        for node in root.findall(w("abstractNum")):
            levels = {}
            for lvl in node.findall(w("lvl")):
                fmt = lvl.find(w("numFmt"))
                levels[int(lvl.get(w("ilvl"), "0"))] = (
                    fmt.get(w("val")) if fmt is not None else "decimal"
                )
            abstract[node.get(w("abstractNumId"), "")] = levels
        out = {}
        for num in root.findall(w("num")):
            ref = num.find(w("abstractNumId"))
            if ref is None:
                continue
            for ilvl, fmt in abstract.get(ref.get(w("val"), ""), {}).items():
                out[(num.get(w("numId"), ""), ilvl)] = fmt
        return out

    def style_of(self, p) -> tuple[str, int | None, tuple[str, str] | None]:
        """(style name, outline level, numPr) of a paragraph, following based-on styles."""
        ppr = p.find(w("pPr"))
        style_id = None
        level = None
        num = None
        if ppr is not None:
            ps = ppr.find(w("pStyle"))
            style_id = ps.get(w("val")) if ps is not None else None
            ol = ppr.find(w("outlineLvl"))
            if ol is not None:
                level = int(ol.get(w("val"), "9"))
            num = _num_pr(ppr)
        name, style_level, style_num = self._style_facts(style_id)
        level = style_level if level is None else level
        num = style_num if num is None else num
        if level is not None and level > 8:
            level = None
        return name, level, num

    def _style_facts(self, style_id: str | None) -> tuple[str, int | None, tuple[str, str] | None]:
        """Name, outline level and numbering a style gives its paragraphs (cached: styles are few)."""
        cache = self.__dict__.setdefault("_facts", {})
        if style_id in cache:
            return cache[style_id]
        style = self.styles.get(style_id) if style_id else None
        name = style.name if style is not None else (style_id or "Normal")
        level = num = None
        seen = 0
        while style is not None and seen < 10 and (level is None or num is None):
            spp = style.element.find(w("pPr"))
            if spp is not None:
                if level is None and (ol := spp.find(w("outlineLvl"))) is not None:
                    level = int(ol.get(w("val"), "9"))
                if num is None:
                    num = _num_pr(spp)
            style = style.base_style
            seen += 1
        match = _HEADING_STYLE_RE.match(name or "")
        if match is not None and level is None:
            level = int(match.group(1)) - 1
        cache[style_id] = (name or "Normal", level, num)
        return cache[style_id]

    # paragraphs

    def paragraph(self, p, index: int) -> _Para:
        self.at(p)
        name, level, num = self.style_of(p)
        para = _Para(index, name, level, "", "")
        ppr = p.find(w("pPr"))
        jc = ppr.find(w("jc")) if ppr is not None else None
        para.align = jc.get(w("val")) if jc is not None else None
        if num is not None:
            fmt = self.numbering.get((num[0], int(num[1] or 0)))
            if fmt is not None and num[0] != "0":
                para.numbering = (fmt, int(num[1] or 0))
        pieces: list[tuple[str, str]] = []  # (markdown, plain)
        was_in_toc = self.in_toc_field
        self._walk(p, para, pieces)
        para.toc_field = was_in_toc or self.in_toc_field
        para.text = _join(pieces, markdown=True)
        para.plain = _join(pieces, markdown=False)
        return para

    def _walk(self, node, para: _Para, pieces: list, state: dict | None = None) -> None:
        state = state if state is not None else {"field": None, "instr": ""}
        for child in node:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag == w("r"):
                self._run(child, para, pieces, state)
            elif tag == w("bookmarkStart"):
                label = _label_of(child.get(w("name"), ""))
                if label:
                    para.labels.append(label)
            elif tag == w("hyperlink"):
                anchor = child.get(w("anchor"))
                inner: list = []
                self._walk(child, para, inner, state)
                text = _join(inner, markdown=False)
                label = _label_of(anchor or "")
                if label and text:
                    pieces.append((f"[[#{label}]]", text))
                elif anchor and anchor.startswith("x_") and text:
                    pieces.append((f"[[{text}]]", text))
                else:
                    pieces.extend(inner)
            elif tag in (
                w("ins"),
                w("smartTag"),
                w("customXml"),
                w("fldSimple"),
                w("dir"),
                w("bdo"),
            ):
                self._walk(child, para, pieces, state)
            elif tag == w("sdt"):
                content = child.find(w("sdtContent"))
                if content is not None:
                    self._walk(content, para, pieces, state)
            elif tag == m("oMathPara"):
                latex = omml_to_latex(child)
                if latex is None:
                    latex = _math_text(child)
                    self._finding("formula", para.index, latex)
                para.display_math = latex
            elif tag == m("oMath"):
                latex = omml_to_latex(child)
                if latex is None:
                    latex = _math_text(child)
                    self._finding("formula", para.index, latex)
                pieces.append((f"${latex}$", latex))

    def _run(self, run, para: _Para, pieces: list, state: dict) -> None:
        rpr = run.find(w("rPr"))
        vert = None
        bold = italic = False
        style_id = None
        if rpr is not None:
            va = rpr.find(w("vertAlign"))
            vert = va.get(w("val")) if va is not None else None
            bold = _on(rpr.find(w("b")))
            italic = _on(rpr.find(w("i")))
            rstyle = rpr.find(w("rStyle"))
            style_id = rstyle.get(w("val")) if rstyle is not None else None
            if style_id in ("StdFootnoteRef", "StdFootnoteMark"):
                vert = None
        # the mark's look: a ")" after a footnote number belongs to the mark only if it looks the same
        look = (style_id, vert)
        for child in run:
            tag = child.tag
            if tag == w("fldChar"):
                kind = child.get(w("fldCharType"))
                if kind == "begin":
                    state["field"], state["instr"] = "code", ""
                elif kind == "separate":
                    state["field"] = "result"
                    if state["instr"].strip().upper().startswith("TOC"):
                        self.in_toc_field = True
                elif kind == "end":
                    if state["instr"].strip().upper().startswith("TOC") or self.in_toc_field:
                        self.in_toc_field = False
                    state["field"] = None
                continue
            if tag == w("instrText"):
                state["instr"] += child.text or ""
                continue
            if state.get("field") == "code":
                continue
            if tag == w("t"):
                text = child.text or ""
                after_ref, state["after_ref"] = state.get("after_ref"), None
                if after_ref == "custom":
                    continue  # a custom footnote mark "1)" typed after its reference
                if after_ref == "auto" and look == state.get("ref_look") and look != (None, None):
                    text = _SUFFIX_RE.sub("", text, count=1)  # our "1)": Word's number + ")"
                if not text:
                    continue
                md = text
                if vert == "subscript" and text.strip():
                    md = f"~{text}~"
                elif vert == "superscript" and _TABLE_FN_MARK_RE.match(text.strip()):
                    md = f"[^{text.strip()[0]}]"  # a table footnote a), b)… (GB/T 1.1)
                elif vert == "superscript" and text.strip():
                    md = f"^{text}^"
                elif bold and text.strip():
                    md = f"**{text}**"
                elif italic and text.strip():
                    md = f"*{text}*"
                pieces.append((md, text))
            elif tag == w("tab"):
                pieces.append(("\t", "\t"))
            elif tag in (w("br"), w("cr")):
                if child.get(w("type")) not in ("page", "column"):
                    pieces.append(("\n", "\n"))
            elif tag == w("noBreakHyphen"):
                pieces.append(("-", "-"))
            elif tag == w("footnoteRef"):
                state["after_ref"] = "auto"  # the number at the foot of the page
                state["ref_look"] = look
            elif tag == w("footnoteReference"):
                custom = _on(child) if child.get(w("customMarkFollows")) is not None else False
                state["after_ref"] = "custom" if custom else "auto"
                state["ref_look"] = look
                note = self.footnote_texts.get(child.get(w("id"), ""))
                if note is not None:
                    self.footnote_count += 1
                    label = str(self.footnote_count)
                    para.footnotes.append((label, note))
                    pieces.append((f"[^{label}]", ""))
            elif tag in (w("drawing"), w("pict")):
                self._image(child, para, pieces)
            elif tag == w("object"):
                self._finding("object", para.index, "")
            elif tag == m("oMath"):
                self._walk(run, para, pieces, state)

    def _image(self, node, para: _Para, pieces: list) -> None:
        if node.find(f".//{{{W}}}txbxContent") is not None:
            texts = ["".join(t.text or "" for t in p.iter(w("t"))) for p in node.iter(w("p"))]
            text = " ".join(t for t in texts if t.strip())
            self._finding("textbox", para.index, text)
            pieces.append((text, text))
            return
        blips = list(node.iter(f"{{{A}}}blip")) or list(node.iter(f"{{{V}}}imagedata"))
        if not blips:
            self._finding("object", para.index, "")
            return
        blip = blips[0]
        rid = blip.get(f"{{{R}}}embed") or blip.get(f"{{{R}}}id")
        descr = ""
        doc_pr = node.find(f".//{{{WP}}}docPr")
        if doc_pr is not None:
            descr = doc_pr.get("descr") or ""
        try:
            image_part = self.part.related_parts[rid]
            data = image_part.blob
        except KeyError:
            self._finding("image-missing", para.index, descr)
            return
        kind = _image_type(data)
        self.image_count += 1
        ext = {"image/png": "png", "image/jpeg": "jpg"}.get(kind or "", "bin")
        name = (
            descr
            if _good_name(descr, ext) and descr not in self.images
            else f"image{self.image_count}.{ext}"
        )
        if kind is None:
            self._finding("image-type", para.index, name)
            pieces.append((f"［图片：{name}］", f"［图片：{name}］"))
            return
        self.images[name] = data
        para.images.append((name, data, kind))

    def _finding(self, code: str, index: int, text: str) -> None:
        page = self.page
        self.findings.append(
            ImportFinding(
                code, place_of(page, index), MESSAGES[code], text, page=page, paragraph=index
            )
        )

    def table_finding(self, code: str, table: int) -> None:
        page = self.page
        self.findings.append(
            ImportFinding(code, place_of(page, table=table), MESSAGES[code], page=page, table=table)
        )

    # pages

    def page_map(self, children: list) -> None:
        """The page each body block starts on, as Word last laid the file out.

        Word writes ``w:lastRenderedPageBreak`` where a page ended when it last
        saved the file; explicit breaks are ``w:br w:type="page"``,
        ``w:pageBreakBefore`` (on the paragraph or its style) and section
        breaks that start a new page. A rendered break at the top of a page an
        explicit break began is the same page, so it is not counted twice.
        Without any break in the file the pages are unknown (``None``)."""
        body = self.document.element.body
        sections = list(body.iter(w("sectPr")))
        kinds = []
        for sect in sections:
            kind = sect.find(w("type"))
            kinds.append(kind.get(w("val"), "nextPage") if kind is not None else "nextPage")
        next_kind = {id(sect): kinds[i + 1] for i, sect in enumerate(sections[:-1])}
        page, fresh, seen_break, printed = 1, True, False, False
        tags = (w("lastRenderedPageBreak"), w("br"), w("t"), w("drawing"), w("pict"), m("oMath"))
        for block in children:
            start = None
            if block.tag == w("p") and self._breaks_before(block):
                seen_break = True
                if printed and not fresh:
                    page, fresh = page + 1, True
            for node in block.iter(*tags):
                if node.tag == w("lastRenderedPageBreak"):
                    seen_break = True
                    if not fresh:
                        page, fresh = page + 1, True
                elif node.tag == w("br"):
                    if node.get(w("type")) == "page":
                        seen_break = True
                        page, fresh = page + 1, True
                elif node.tag != w("t") or (node.text or "").strip():
                    if start is None:
                        start = page
                    fresh, printed = False, True
            self.pages[block] = start if start is not None else page
            sect = block.find(f"{w('pPr')}/{w('sectPr')}") if block.tag == w("p") else None
            if sect is not None and next_kind.get(id(sect), "nextPage") != "continuous":
                seen_break = True
                page, fresh = page + 1, True
        if not seen_break:
            self.pages.clear()

    def _breaks_before(self, p) -> bool:
        ppr = p.find(w("pPr"))
        own = ppr.find(w("pageBreakBefore")) if ppr is not None else None
        if own is not None:
            return _on(own)
        ps = ppr.find(w("pStyle")) if ppr is not None else None
        style = self.styles.get(ps.get(w("val"))) if ps is not None else None
        seen = 0
        while style is not None and seen < 10:
            found = style.element.find(f"{w('pPr')}/{w('pageBreakBefore')}")
            if found is not None:
                return _on(found)
            style, seen = style.base_style, seen + 1
        return False

    def at(self, block) -> None:
        """Findings from here on are on the page this body block starts on."""
        if block in self.pages:
            self.page = self.pages[block]


def _label_of(bookmark: str) -> str | None:
    if not bookmark.startswith("x_lbl_"):
        return None
    try:
        return bytes.fromhex(bookmark[6:]).decode("utf-8")
    except ValueError:
        return None


def _labelled(text: str, para: _Para) -> str:
    return f"{text} {{#{para.labels[0]}}}" if para.labels else text


def _num_pr(ppr) -> tuple[str, str] | None:
    num = ppr.find(w("numPr"))
    if num is None:
        return None
    num_id = num.find(w("numId"))
    ilvl = num.find(w("ilvl"))
    if num_id is None:
        return None
    return num_id.get(w("val"), "0"), (ilvl.get(w("val"), "0") if ilvl is not None else "0")


def _on(element) -> bool:
    return element is not None and element.get(w("val"), "true") not in ("0", "false", "off")


def _join(pieces: list[tuple[str, str]], *, markdown: bool) -> str:
    return "".join(md if markdown else plain for md, plain in pieces)


def _math_text(element) -> str:
    return "".join(t.text or "" for t in element.iter(m("t")))


def _image_type(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


def _good_name(name: str, ext: str) -> bool:
    return (
        bool(name)
        and attachment_name(name) == name
        and name.lower().endswith(("." + ext, ".jpeg", ".png", ".jpg"))
        and not any(ch in name for ch in "%<>[]() ")
    )


# --- classifying ------------------------------------------------------------------


def _cell_text(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


class _Converter:
    def __init__(self, reader: _Reader) -> None:
        self.reader = reader
        self.blocks: list[str] = []
        self.meta: dict[str, str] = {}
        self.zone = "cover"  # cover → toc → front → body
        self.top: str | None = (
            None  # "foreword", "introduction", "bibliography", "chapter", "annex"
        )
        self.in_terms = False
        self.pending_term: str | None = None
        self.list_items: list[str] = []
        self.list_kind: list[str] = []
        self.pending_caption: str | None = None
        self.clause: str | None = None  # the number of the last clause heading
        self.paragraph_count = 0
        self.table_count = 0

    def emit(self, block: str) -> None:
        self.flush_list()
        self.blocks.append(block)

    def flush_list(self) -> None:
        if self.list_items:
            self.blocks.append("\n".join(self.list_items))
            self.list_items = []
            self.list_kind = []

    def run(self, body) -> None:
        children = list(_block_children(body))
        self.reader.page_map(children)
        i = 0
        self.used_captions: set[int] = set()
        while i < len(children):
            node = children[i]
            if id(node) in self.used_captions:
                self.paragraph_count += 1  # a figure's title, read with its figure
            elif node.tag == w("tbl"):
                self.table_count += 1
                self.table(node)
            elif node.tag == w("p"):
                self.paragraph_count += 1
                para = self.reader.paragraph(node, self.paragraph_count)
                consumed = self.paragraph(para, children, i)
                i += consumed
            i += 1
        if self.pending_caption is not None:
            self.emit(self.pending_caption)
        self.flush_list()

    # paragraphs ------------------------------------------------------------

    def paragraph(self, para: _Para, children: list, i: int) -> int:
        """Handle one paragraph; return how many following paragraphs it used too."""
        if para.toc_field or para.style.lower().startswith(("toc", "目录")):
            return 0
        plain = para.plain.strip()
        sq = squash(plain)
        if self.pending_caption is not None:
            self.emit(self.pending_caption)
            self.pending_caption = None
        if not plain and not para.images and para.display_math is None:
            for label, note in para.footnotes:
                self.emit(f"[^{label}]: {note}")
            return 0
        if self.zone == "cover":
            if sq in ("目次", "目录"):
                self.zone = "toc"
                return 0
            if not self._is_front_heading(sq) and not self._heading_level(para) is not None:
                self.cover_field(para, plain)
                return 0
            self.zone = "front"
        if self.zone == "toc":
            if _TOC_LINE_RE.search(plain):
                return 0
            if sq in ("前言", "引言") or (
                self._heading_level(para) is not None and not para.style.lower().startswith("toc")
            ):
                self.zone = "front"
            else:
                return 0
        if sq in ("前言", "引言", "参考文献", "索引") and len(plain) <= 8:
            self.top = {
                "前言": "foreword",
                "引言": "introduction",
                "参考文献": "bibliography",
                "索引": "index",
            }[sq]
            self.in_terms = False
            self.emit(f"# {sq}")
            return 0
        if sq in ("目次", "目录"):
            self.zone = "toc"
            return 0
        if self.meta.get("title_zh") and sq == squash(self.meta["title_zh"]) and para.level is None:
            return 0  # the title above the body
        if self.top == "foreword" and self.generated_foreword(plain):
            return 0  # the export writes these from the document settings
        annex = _ANNEX_RE.match(plain)
        if annex is not None and (
            para.level == 0 or "\n" in para.plain or annex.group("nature") or len(plain) < 12
        ):
            return self.annex(annex, para, children, i)
        if self.in_terms and _BARE_NUMBER_RE.match(plain):
            self.pending_term = plain.replace("．", ".")
            return 0
        if self.pending_term is not None:
            number, self.pending_term = self.pending_term, None
            zh, en = _term_parts(para.plain)
            depth = number.count(".") + 1
            self.emit("#" * depth + f" {zh}" + (f" | {en}" if en else ""))
            return 0
        if self.clause and (
            item := re.match(re.escape(self.clause) + r"\.\d+[\s\u3000]+(?=\S)", plain)
        ):
            if len(plain) > 40 or plain.endswith(("。", "；")):
                # a 条 without a heading: "4.1.1　产品应…" → "#. 产品应…"
                self.emit("#. " + _soft(_strip_number(para.text.strip(), item.group(0).strip())))
                return 0
        level = self._heading_level(para)
        if level is not None:
            self.heading(para, level)
            return 0
        if para.display_math is not None or self._inline_display(para):
            tex = (
                para.display_math
                if para.display_math is not None
                else para.text.strip().split("\t")[0].strip().strip("$")
            )
            self.emit(_labelled(f"$$ {tex.strip()} $$", para))
            return 0
        if para.images and not plain:
            return self.figure(para, children, i)
        if (caption := _TABLE_CAPTION_RE.match(plain)) is not None and _next_is_table(children, i):
            self.pending_caption = _labelled(f"表：{caption.group('title').strip()}", para)
            self.flush_list()
            return 0
        if self.list_item(para):
            self._footnotes(para)
            return 0
        text = para.text.strip()
        if text.startswith("其中") and "\n" in text:  # one symbol per line
            self.emit("\n".join(line.strip() for line in text.split("\n") if line.strip()))
            self._footnotes(para)
            return 0
        if _NOTE_RE.match(text):
            text = _NOTE_RE.sub("注：", text, count=1)
        elif _EXAMPLE_RE.match(text):
            text = _EXAMPLE_RE.sub("示例：", text, count=1)
        self.emit(_soft(text))
        self._footnotes(para)
        return 0

    def _footnotes(self, para: _Para) -> None:
        for label, note in para.footnotes:
            self.emit(f"[^{label}]: {note}")

    @staticmethod
    def _is_front_heading(sq: str) -> bool:
        return sq in ("前言", "引言")

    def _heading_level(self, para: _Para) -> int | None:
        """0-based level of a numbered clause heading, else None."""
        plain = para.plain.strip()
        if len(plain) > 80 or "\t" in plain.strip():
            return None
        match = _NUMBERED_RE.match(plain)
        styled = para.level is not None and para.level <= 5
        if match is not None:
            number = match.group("num").replace("．", ".")
            depth = number.count(".")
            title = match.group("title").strip()
            if number[0].isalpha() and self.top != "annex":
                return None if not styled else para.level
            if styled or (
                len(title) <= 40 and not title.endswith(("。", "；", "，", ";", ",", "："))
            ):
                if self.top in ("foreword", "bibliography") and not styled:
                    return None
                return depth
            return None
        if styled and para.numbering is None and not _NOTE_RE.match(plain):
            return para.level
        if styled and para.numbering is not None:
            return para.level
        return None

    def heading(self, para: _Para, level: int) -> None:
        plain = para.plain.strip()
        match = _NUMBERED_RE.match(plain)
        title = para.text.strip()
        if match is not None:
            # the number as written: drop it from the Markdown (the app numbers clauses)
            title = _strip_number(para.text.strip(), match.group("num"))
            self.clause = match.group("num").replace("．", ".")
        if level == 0:
            self.top = "chapter"
            self.in_terms = squash(title).startswith("术语")
        if self.in_terms and level > 0:
            zh, en = _term_parts(title)
            self.emit("#" * (level + 1) + f" {zh}" + (f" | {en}" if en else ""))
            return
        self.emit("#" * (level + 1) + " " + _labelled(_soft(title), para))

    def annex(self, match: re.Match, para: _Para, children: list, i: int) -> int:
        nature = match.group("nature")
        title = match.group("title").replace("\n", " ").strip()
        used = 0
        # 附录A / （规范性） / 标题 as separate paragraphs of the same style
        j = i + 1
        while (
            (not nature or not title)
            and j < len(children)
            and children[j].tag == w("p")
            and used < 3
        ):
            nxt = self.reader.paragraph(children[j], self.paragraph_count + used + 1)
            text = nxt.plain.strip()
            if not text:
                break
            nature_match = re.match(
                r"^[（(]\s*(规范性|资料性)(?:附录)?\s*[)）]\s*(.*)$", text, re.S
            )
            if not nature and nature_match:
                nature = nature_match.group(1)
                title = title or nature_match.group(2).replace("\n", " ").strip()
            elif not title and nxt.style == para.style:
                title = text.replace("\n", " ")
            else:
                break
            used += 1
            j += 1
        self.paragraph_count += used
        self.top = "annex"
        self.in_terms = False
        self.emit(f"# 附录（{nature or '资料性'}）{title}".rstrip())
        return used

    def figure(self, para: _Para, children: list, i: int) -> int:
        caption = ""
        used = 0
        # GB/T 1.1: the figure's notes come between the figure and its title
        k = i + 1
        while (
            k < len(children)
            and children[k].tag == w("p")
            and _NOTE_RE.match(self.reader.paragraph(children[k], 0).plain.strip())
        ):
            k += 1
        if k < len(children) and children[k].tag == w("p"):
            nxt = self.reader.paragraph(children[k], self.paragraph_count + 1)
            match = _FIGURE_CAPTION_RE.match(nxt.plain.strip())
            if match is not None:
                caption = match.group("title").strip()
                if k == i + 1:
                    used = 1
                    self.paragraph_count += 1
                else:  # the notes are read as notes; the title is skipped when reached
                    self.used_captions.add(id(children[k]))
        for name, _data, _kind in para.images:
            alt = _labelled(caption, para) if caption or para.labels else ""
            self.emit(f"![{alt.strip()}]({name})")
        return used

    def _inline_display(self, para: _Para) -> bool:
        """A paragraph holding one formula and its number "（1）": a display formula."""
        parts = [p for p in re.split(r"\t", para.text.strip()) if p.strip()]
        if not parts or not (
            parts[0].startswith("$") and parts[0].endswith("$") and parts[0].count("$") == 2
        ):
            return False
        return (
            len(parts) == 1
            and "\t" in para.text
            or all(_FORMULA_NUMBER_RE.match(p) for p in parts[1:])
            and len(parts) > 1
        )

    def list_item(self, para: _Para) -> bool:
        text = para.text.strip()
        depth = 0
        kind = None
        if _DASH_RE.match(text):
            kind, text = "bullet", _DASH_RE.sub("", text, count=1)
        elif _DOT_RE.match(text):
            kind, text, depth = "bullet", _DOT_RE.sub("", text, count=1), 1
        elif _LETTER_RE.match(text):
            kind, text = "ordered", _LETTER_RE.sub("", text, count=1)
        elif _DIGIT_RE.match(text):
            kind, text = "ordered", _DIGIT_RE.sub("", text, count=1)
            depth = 1 if self.list_items else 0
        elif para.numbering is not None and not para.numbering[0] == "none":
            fmt, ilvl = para.numbering
            kind = "bullet" if fmt == "bullet" else "ordered"
            depth = min(ilvl, 1)
        if kind is None:
            return False
        if self.pending_caption is not None:
            self.emit(self.pending_caption)
            self.pending_caption = None
        if depth == 0:
            self.list_kind = [kind]
        elif len(self.list_kind) < 2:
            self.list_kind.append(kind)
        else:
            self.list_kind[1] = kind
        if not self.list_items:
            self._counters = [0, 0]
        self._counters[depth] += 1
        if depth == 0:
            self._counters[1] = 0
        marker = "-" if kind == "bullet" else f"{self._counters[depth]}."
        indent = ""
        if depth == 1:
            parent = self.list_items and self.list_kind[0] == "ordered"
            indent = "   " if parent else "  "
        self.list_items.append(f"{indent}{marker} {_soft(text.strip())}")
        return True

    def generated_foreword(self, plain: str) -> bool:
        """A sentence of 前言 the export composes (drafting/export/foreword.py)
        from the settings: 起草依据, 代替, 一致性程度, the patent sentence, units, drafters."""
        if plain == GB_T_1_1_SENTENCE or _UNITS_RE.match(plain):
            return True
        if is_default_patent_sentence(plain):
            return True
        replaces = self.meta.get("replaces")
        if replaces and plain == f"本文件代替{replaces}。":
            return True
        adoption = self.meta.get("adoption")
        return bool(adoption) and plain == adoption_sentence(adoption)

    def cover_field(self, para: _Para, plain: str) -> None:
        meta = self.meta
        line = " ".join(plain.split())
        if _COVER_NUMBER_RE.match(line):
            meta.setdefault("number", line)
        elif line.upper().startswith("ICS"):
            meta.setdefault("ics", line[3:].strip())
        elif line.upper().startswith("CCS"):
            meta.setdefault("ccs", line[3:].strip())
        elif line.startswith("代替"):
            meta.setdefault("replaces", line[2:].strip())
        elif (adoption := _ADOPTION_LABEL_RE.match(line)) is not None:
            meta.setdefault("adoption", f"{adoption.group('document')}, {adoption.group('degree')}")
        elif (dates := _DATES_RE.match(line)) is not None:
            meta.setdefault("published_on", dates.group("pub"))
            meta.setdefault("implemented_on", dates.group("impl"))
        elif any(f"（{stage}）" == squash(line) for stage in _STAGES):
            meta.setdefault("stage", squash(line).strip("（）"))
        elif line.endswith("发布") and "number" in meta and "title_zh" in meta:
            meta.setdefault("issuer", line[:-2].strip())
        elif line in ("团体标准",) or line.startswith("在提交反馈意见时"):
            pass
        elif (
            "number" in meta
            and "title_zh" not in meta
            and any("\u4e00" <= ch <= "\u9fff" for ch in line)
        ):
            meta["title_zh"] = line
        elif "title_zh" in meta and "title_en" not in meta and line.isascii():
            meta["title_en"] = line

    # tables ----------------------------------------------------------------

    def table(self, tbl) -> None:
        self.flush_list()
        if self.zone == "cover":
            return  # a cover laid out in a table: its fields are not in the body
        self.reader.at(tbl)
        caption, self.pending_caption = self.pending_caption, None
        rows: list[list[str]] = []
        vmerge_origin: dict[int, bool] = {}
        notes: list[str] = []
        footnotes: list[tuple[str, str]] = []
        grid_cols = len(tbl.findall(f"{w('tblGrid')}/{w('gridCol')}"))
        for tr in tbl.findall(w("tr")):
            row: list[str] = []
            col = 0
            cells = tr.findall(w("tc"))
            for tc in cells:
                tcpr = tc.find(w("tcPr"))
                span = 1
                vmerge = None
                if tcpr is not None:
                    gs = tcpr.find(w("gridSpan"))
                    span = int(gs.get(w("val"), "1")) if gs is not None else 1
                    vm = tcpr.find(w("vMerge"))
                    if vm is not None:
                        vmerge = vm.get(w("val"), "continue")
                if tc.find(f".//{w('tbl')}") is not None:
                    self.reader.table_finding("nested-table", self.table_count)
                if vmerge == "continue":
                    row.append("^")
                else:
                    row.append(self._cell(tc, footnotes))
                row.extend("<" * 1 for _ in range(span - 1))
                vmerge_origin[col] = vmerge == "restart"
                col += span
            rows.append(row)
        columns = max([grid_cols] + [len(r) for r in rows]) if rows else 0
        first_part = rows[-1][0].split("<br>")[0] if rows and rows[-1] else ""
        if (
            len(rows) > 1
            and all(c == "<" for c in rows[-1][1:])
            and (_NOTE_RE.match(first_part) or _TABLE_FN_RE.match(first_part))
        ):
            # the table's frame: its notes, then its footnotes a), b)…
            for part in rows.pop()[0].split("<br>"):
                part = part.strip()
                if (fn := _TABLE_FN_RE.match(part)) is not None:
                    footnotes.append((fn.group("letter"), fn.group("text").strip()))
                elif part:
                    notes.append(_NOTE_RE.sub("注：", part, count=1))
        if not rows:
            return
        aligns = self._aligns(tbl, columns)
        lines = []
        for r, row in enumerate(rows):
            row = row + [""] * (columns - len(row))
            cells = [(c if c not in ("",) else " ") for c in row]
            lines.append("| " + " | ".join(cells) + " |")
            if r == 0:
                lines.append("|" + "|".join(aligns) + "|")
        if caption:
            self.emit(caption)
        self.emit("\n".join(lines).replace("|  |", "|   |"))
        for note in notes:
            self.emit(note)
        for label, note in footnotes:
            self.emit(f"[^{label}]: {note}")

    def _aligns(self, tbl, columns: int) -> list[str]:
        """Column alignment from the first body row (the header is centred anyway)."""
        marks = {"left": ":---", "start": ":---", "right": "---:", "end": "---:", "center": ":---:"}
        rows = tbl.findall(w("tr"))
        out = ["---"] * columns
        if len(rows) < 2:
            return out
        col = 0
        for tc in rows[1].findall(w("tc")):
            p = tc.find(w("p"))
            jc = p.find(f"{w('pPr')}/{w('jc')}") if p is not None else None
            if jc is not None and col < columns:
                out[col] = marks.get(jc.get(w("val"), ""), "---")
            span = tc.find(f"{w('tcPr')}/{w('gridSpan')}")
            col += int(span.get(w("val"), "1")) if span is not None else 1
        return out

    def _cell(self, tc, footnotes: list) -> str:
        parts = []
        for p in tc.findall(w("p")):
            para = self.reader.paragraph(p, self.paragraph_count)
            if para.images:
                self.reader.table_finding("image-in-table", self.table_count)
            footnotes.extend(para.footnotes)
            text = para.text.strip()
            if not text:
                continue
            if _DASH_RE.match(text):
                text = "- " + _DASH_RE.sub("", text, count=1)
            parts.append(_cell_text(text))
        text = "<br>".join(parts)
        if text in ("<", "^"):
            text = "\\" + text
        return text


def _block_children(body):
    for child in body:
        if child.tag == w("sdt"):
            gallery = child.find(f"{w('sdtPr')}/{w('docPartObj')}/{w('docPartGallery')}")
            if gallery is not None and "Table of Contents" in (gallery.get(w("val")) or ""):
                continue
            content = child.find(w("sdtContent"))
            if content is not None:
                yield from _block_children(content)
        elif child.tag in (w("p"), w("tbl")):
            yield child
        elif child.tag in (w("customXml"), w("ins")):
            yield from _block_children(child)


def _next_is_table(children: list, i: int) -> bool:
    return i + 1 < len(children) and children[i + 1].tag == w("tbl")


def _term_parts(text: str) -> tuple[str, str]:
    text = " ".join(text.replace("\n", " ").split())
    if "　" in text:
        zh, en = text.split("　", 1)
        return zh.strip(), en.strip()
    return split_term(text)


def _strip_number(text: str, number: str) -> str:
    stripped = text.lstrip()
    if stripped.startswith(number):
        return stripped[len(number) :].lstrip(" \t\u3000")
    return re.sub(r"^\S+[\s\u3000]+", "", stripped)


def _soft(text: str) -> str:
    """Line breaks inside a paragraph stay inside it (Markdown hard breaks would need two spaces)."""
    return re.sub(r"[ \t]*\n[ \t]*", " ", text).replace("\t", " ").strip()


def import_docx(data: bytes) -> ImportResult:
    """Convert a .docx to our dialect. Raises :class:`ImportRefused` for what is not a safe .docx."""
    check_package(data)
    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for a damaged package
        raise ImportRefused(
            "无法读取该Word文档，文件可能已损坏。 / The Word document cannot be read; it may be damaged.",
            "damaged",
        ) from exc
    try:
        reader = _Reader(document)
        converter = _Converter(reader)
        converter.run(document.element.body)
    except (ValueError, KeyError, AttributeError, TypeError, IndexError, etree.LxmlError) as exc:
        # malformed values in the XML (a gridSpan of "x", a missing part): refuse, never a 500
        raise ImportRefused(
            "无法读取该Word文档，文件可能已损坏。 / The Word document cannot be read; it may be damaged.",
            "damaged",
        ) from exc
    text = "\n\n".join(block for block in converter.blocks if block.strip()) + "\n"
    return ImportResult(text, converter.meta, reader.images, reader.findings)
