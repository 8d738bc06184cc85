"""The generated 编制说明 (explanatory notes for the draft), as PDF and .docx.

One list of blocks says what the document contains (headings, paragraphs,
tables, and the editors' Markdown sections); the HTML for WeasyPrint and the
.docx are both written from it, so the two never say different things.

The editors' sections are Markdown rendered by the safe renderer
(:func:`drafting.core.markdown.render_markdown`: raw HTML is shown as text,
links sanitised); in the .docx they are written as plain runs from the same
parse, so no markup reaches Word either.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import nh3

from drafting.approval.models import NOTE_SECTION_HEADINGS, NOTE_SECTIONS
from drafting.approval.queries import NotesRecord
from drafting.core.markdown import ALLOWED_TAGS, render_markdown
from drafting.export.redline import HtmlJob
from drafting.export.worker import default_pool

CHINESE_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Block:
    kind: str  # "title", "subtitle", "h1", "h2", "p", "table", "markdown"
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()


def _origin_text(record: NotesRecord) -> str:
    o = record.origin
    if o is None:
        return "本文件不是由征集通知立项的（记录中没有对应的征集通知）。"
    parts = [f"本文件根据{o.issuing_body or record.association}发布的《{o.call_title}》立项"]
    if o.planned_number:
        parts.append(f"，计划编号 {o.planned_number}")
    if o.standard_title and o.standard_title != record.title_zh:
        parts.append(f"，立项名称《{o.standard_title}》")
    dates = []
    if o.opens_at and o.closes_at:
        dates.append(f"征集期为{record.day(o.opens_at)}至{record.day(o.closes_at)}")
    if o.decided_at:
        dates.append(f"{record.day(o.decided_at)}确定起草单位")
    text = "".join(parts)
    return text + ("；" + "，".join(dates) if dates else "") + "。"


def blocks(record: NotesRecord) -> list[Block]:
    """The 编制说明, block by block, in the order printed."""
    out = [
        Block("title", f"《{record.title_zh}》"),
        Block("subtitle", f"（{record.number}）编制说明"),
    ]
    n = iter(CHINESE_NUMERALS)
    out.append(Block("h1", f"{next(n)}、工作简况"))
    out.append(Block("h2", "（一）任务来源"))
    out.append(Block("p", _origin_text(record)))
    out.append(Block("h2", "（二）起草单位和主要起草人"))
    units = "、".join(record.drafting_units) or "（无）"
    drafters = "、".join(record.drafters) or "（未指定）"
    out.append(Block("p", f"本文件起草单位：{units}。"))
    out.append(Block("p", f"本文件主要起草人：{drafters}。"))
    out.append(Block("h2", "（三）主要工作过程"))
    if record.history:
        rows = [("日期", "阶段", "修订版本", "操作人", "说明")]
        for h in record.history:
            note = f"越过检查：{h.reason}" if h.overridden else h.reason
            rows.append(
                (
                    record.day(h.when),
                    f"{h.from_label} → {h.to_label}",
                    str(h.revision or ""),
                    h.by,
                    note,
                )
            )
        out.append(Block("table", rows=tuple(rows)))
    else:
        out.append(Block("p", "本文件尚无阶段变更记录。"))
    c = record.comments
    out.append(Block("h1", f"{next(n)}、征求意见情况"))
    if c.started_at:
        period = f"征求意见稿于{record.day(c.started_at)}发出征求意见"
        period += f"，截止日期为{record.day(c.ended_at)}。" if c.ended_at else "。"
    else:
        period = "本文件没有单独的征求意见期，以下为收到的全部意见。"
    out.append(Block("p", period))
    out.append(
        Block(
            "p",
            f"共收到{c.organizations}个单位（个人）的意见{c.received}条，其中采纳{c.accepted}条，"
            f"部分采纳{c.partly_accepted}条，未采纳{c.not_accepted}条"
            + (f"，尚未处理{c.open}条" if c.open else "")
            + "。处理情况见《征求意见汇总处理表》。",
        )
    )
    out.append(Block("h1", f"{next(n)}、审查（表决）情况"))
    out.append(Block("p", record.ballot))
    for name in NOTE_SECTIONS:
        out.append(Block("h1", f"{next(n)}、{NOTE_SECTION_HEADINGS[name]}"))
        text = record.sections.get(name, "").strip()
        out.append(Block("markdown", text) if text else Block("p", "无。"))
    out.append(Block("right", f"《{record.title_zh}》起草组"))
    out.append(Block("right", record.made_on.isoformat() if record.made_on else ""))
    return out


# --- HTML and PDF ------------------------------------------------------------

CSS = """
@page { size: A4; margin: 25mm 20mm 20mm 25mm;
  @bottom-center { content: counter(page); font-family: "Noto Serif CJK SC", serif; font-size: 9pt; } }
body { font-family: "Noto Serif CJK SC", serif; font-size: 12pt; line-height: 1.6; }
h1.title { font-family: "Noto Sans CJK SC", sans-serif; font-size: 18pt; text-align: center; margin: 0; }
p.subtitle { font-family: "Noto Sans CJK SC", sans-serif; font-size: 16pt; text-align: center; margin: 0.3em 0 1.2em; }
h2 { font-family: "Noto Sans CJK SC", sans-serif; font-size: 14pt; margin: 1em 0 0.4em; }
h3 { font-family: "Noto Sans CJK SC", sans-serif; font-size: 12pt; margin: 0.8em 0 0.3em; }
p { text-indent: 2em; margin: 0.3em 0; }
p.right { text-align: right; text-indent: 0; }
.section p, .section li { text-indent: 0; }
.section h1, .section h2, .section h3, .section h4 { font-size: 12pt; }
table { border-collapse: collapse; width: 100%; font-size: 10.5pt; margin: 0.5em 0; }
th, td { border: 0.5pt solid #000; padding: 2pt 4pt; vertical-align: top; }
th { font-family: "Noto Sans CJK SC", sans-serif; font-weight: normal; }
code, pre { font-family: "Noto Sans Mono CJK SC", monospace; font-size: 10pt; }
"""


def _section_html(text: str) -> str:
    """The safe renderer's HTML without images: the PDF reads nothing from outside
    (the export fetcher would refuse them and fail the whole package)."""
    return nh3.clean(
        render_markdown(text),
        tags=ALLOWED_TAGS - {"img"},
        attributes={"a": {"href", "title"}, "th": {"style"}, "td": {"style"}, "ol": {"start"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    )


def to_html(record: NotesRecord) -> str:
    parts = []
    for b in blocks(record):
        if b.kind == "title":
            parts.append(f'<h1 class="title">{escape(b.text)}</h1>')
        elif b.kind == "subtitle":
            parts.append(f'<p class="subtitle">{escape(b.text)}</p>')
        elif b.kind == "h1":
            parts.append(f"<h2>{escape(b.text)}</h2>")
        elif b.kind == "h2":
            parts.append(f"<h3>{escape(b.text)}</h3>")
        elif b.kind == "table":
            head, *body = b.rows
            cells = "".join(f"<th>{escape(x)}</th>" for x in head)
            rows = "".join(
                "<tr>" + "".join(f"<td>{escape(x)}</td>" for x in r) + "</tr>" for r in body
            )
            parts.append(f"<table><thead><tr>{cells}</tr></thead><tbody>{rows}</tbody></table>")
        elif b.kind == "markdown":
            parts.append(f'<div class="section">{_section_html(b.text)}</div>')
        elif b.kind == "right":
            parts.append(f'<p class="right">{escape(b.text)}</p>')
        else:
            parts.append(f"<p>{escape(b.text)}</p>")
    title = escape(f"{record.number} 编制说明")
    return (
        f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{CSS}</style></head><body>{''.join(parts)}</body></html>"
    )


def to_pdf(record: NotesRecord) -> bytes:
    """The PDF, laid out by an export worker process (its time and memory limits), like
    the 条文对照表: the web process never imports WeasyPrint."""
    return default_pool().run(HtmlJob(to_html(record))).pdf


# --- .docx ---------------------------------------------------------------------


def to_docx(record: NotesRecord) -> bytes:
    """The .docx (python-docx is loaded only when one is written: web workers start without it)."""
    from drafting.approval import notes_docx  # noqa: PLC0415  (python-docx on its rare path)

    return notes_docx.write(blocks(record))
