"""Every user-facing sentence of the checks, in Chinese and English, in one table.

A message says what is wrong and what to do. Placeholders are filled from the
finding's ``params``; ``{element}`` / ``{after}`` name document elements and are
translated through :data:`ELEMENT_NAMES` first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Locale = str

MESSAGES: dict[str, dict[Locale, str]] = {
    "foreword-missing": {
        "zh": "缺少“前言”。请在文件开头添加“# 前言”。",
        "en": "The foreword is missing. Add “# 前言” at the start of the document.",
    },
    "scope-missing": {
        "zh": "第1章应为“范围”，当前为“{found}”。请将第一个章标题改为“# 范围”。",
        "en": "Clause 1 must be “范围” (Scope), found “{found}”. Make the first chapter “# 范围”.",
    },
    "normative-references-missing": {
        "zh": "第2章应为“规范性引用文件”，当前为“{found}”。没有引用文件时也应保留该章，并写明“本文件没有规范性引用文件。”",
        "en": "Clause 2 must be “规范性引用文件” (Normative references), found “{found}”. Keep the chapter even when there are none and state “本文件没有规范性引用文件。”",
    },
    "terms-missing": {
        "zh": "第3章应为“术语和定义”，当前为“{found}”。没有术语时也应保留该章，并写明“本文件没有需要界定的术语和定义。”",
        "en": "Clause 3 must be “术语和定义” (Terms and definitions), found “{found}”. Keep the chapter even when there are no terms and say so.",
    },
    "technical-clause-missing": {
        "zh": "“术语和定义”之后没有技术内容的章。请从第4章开始编写技术要求。",
        "en": "There is no technical clause after “术语和定义”. Write the technical content from clause 4 on.",
    },
    "element-order": {
        "zh": "“{element}”的位置不对：它不应出现在“{after}”之后。顺序应为：前言、引言、章、附录、参考文献、索引。",
        "en": "“{element}” is out of place: it must not come after “{after}”. The order is foreword, introduction, clauses, annexes, bibliography, index.",
    },
    "duplicate-element": {
        "zh": "“{element}”出现了不止一次。请合并为一个。",
        "en": "“{element}” appears more than once. Merge them into one.",
    },
    "requirement-in-foreword": {
        "zh": "“{element}”中不应包含要求（发现“{form}”）。请把要求移到正文的章条中。",
        "en": "The {element} must not contain requirements (found “{form}”). Move the requirement into a clause.",
    },
    "annex-nature-missing": {
        "zh": "附录{annex}没有标明性质。请写成“# 附录（规范性）标题”或“# 附录（资料性）标题”。",
        "en": "Annex {annex} does not say whether it is normative or informative. Write “# 附录（规范性）title” or “# 附录（资料性）title”.",
    },
    "heading-too-deep": {
        "zh": "标题层次过深（第{level}层）：条最多分到{max}层（如 1.1.1.1.1）。请合并或改为列项。",
        "en": "Heading too deep (level {level}): clauses go at most {max} levels deep (e.g. 1.1.1.1.1). Merge levels or use a list.",
    },
    "heading-level-skipped": {
        "zh": "标题跳级：第{previous}层之后直接出现第{level}层。请补上中间层次的标题。",
        "en": "Heading level skipped: level {level} follows level {previous}. Add the missing intermediate heading.",
    },
    "hanging-paragraph": {
        "zh": "{clause} 存在悬置段：标题与其第一个子条之间有文字。请将这段文字放入一个子条（如“{clause}.1 总则”）。",
        "en": "Hanging paragraph in {clause}: there is text between the heading and its first subclause. Move it into a subclause (e.g. “{clause}.1 General”).",
    },
    "single-subclause": {
        "zh": "{clause} 只有一个子条（{child}）。同一层次有两个以上的条时才宜设条。",
        "en": "{clause} has a single subclause ({child}). Subdivide only when there are at least two subclauses.",
    },
    "verbal-form-forbidden": {
        "zh": "不应使用“{form}”表述要求，请改用“{suggestion}”。",
        "en": "Do not use “{form}” to state a requirement; use “{suggestion}” instead.",
    },
    "reference-unresolved": {
        "zh": "引用“{target}”找不到对应的章条、表、图或附录。请检查编号或标签。",
        "en": "The reference “{target}” does not match any clause, table, figure or annex. Check the number or label.",
    },
    "label-duplicate": {
        "zh": "标签“{label}”重复使用。每个标签只能用于一处。",
        "en": "The label “{label}” is used more than once. Each label must be unique.",
    },
    "image-refused": {
        "zh": "图片“{source}”不是本文件的附件（不允许使用网址或绝对路径）。请先上传附件，再用附件名引用。",
        "en": "The image “{source}” is not one of this document's attachments (web addresses and absolute paths are not allowed). Upload it and refer to it by its attachment name.",
    },
    "image-missing": {
        "zh": "找不到附件“{source}”。请上传该图片或更正文件名。",
        "en": "There is no attachment named “{source}”. Upload the image or correct the name.",
    },
    "annex-unreferenced": {
        "zh": "正文中没有提及附录{annex}。请在正文相应位置引用，如“见[[附录{annex}]]”。",
        "en": "Annex {annex} is never referred to in the text. Cite it where it applies, e.g. “见[[附录{annex}]]”.",
    },
    "content-before-first-heading": {
        "zh": "第一个标题之前有文字。请将其放入“前言”或相应的章中。",
        "en": "There is text before the first heading. Move it into the foreword or a clause.",
    },
    "headless-clause-misplaced": {
        "zh": "“#.”（无标题的条）只能用在章或附录的条中，这里按普通段落显示。请把它移到章条中，或删除“#.”。",
        "en": "“#.” (a clause without a heading) belongs inside a chapter or annex clause; here it prints as a plain paragraph. Move it into a clause or remove the “#.”.",
    },
    "front-matter-unsupported": {
        "zh": "文件开头的YAML元数据（“---”之间的内容）不属于本文件的写法，将按原样显示。文件信息请在“文件设置”中填写。",
        "en": "YAML front matter (between “---” lines) is not part of the dialect and prints as it is. Enter the document's details in its settings.",
    },
    "toc-marker-unsupported": {
        "zh": "“[TOC]”不需要：目次由系统自动生成。请删除这一行。",
        "en": "“[TOC]” is not needed: the table of contents is generated. Delete this line.",
    },
    "highlight-unsupported": {
        "zh": "不支持高亮标记“{text}”，等号将按原样显示。请删除“==”，需要强调时用“**粗体**”。",
        "en": "Highlighting “{text}” is not supported; the equals signs print as they are. Remove the “==” or use “**bold**”.",
    },
    "fence-unsupported": {
        "zh": "不支持“{language}”代码块，其内容将按原样作为代码显示。图请上传为图片附件。",
        "en": "“{language}” blocks are not supported; their content prints as code. Upload diagrams as image attachments.",
    },
    "fence-unclosed": {
        "zh": "代码块以“{fence}”开始，但没有以“{fence}”结束，因此其后全部文字都按代码显示。请在代码之后补上一行“{fence}”。",
        "en": "The code block opened with “{fence}” is never closed, so everything after it prints as code. Add a “{fence}” line after the code.",
    },
    "fence-info-ignored": {
        "zh": "代码块首行只读取语言名称，其后的“{text}”不会显示。请把它写在代码块之前或之内。",
        "en": "Only the language is read from a code block’s first line: “{text}” does not print. Write it before or inside the block.",
    },
    "comment-unclosed": {
        "zh": "注释“<!--”没有以“-->”结束，因此按原文显示。请补上“-->”。",
        "en": "The comment “<!--” is never closed with “-->”, so it prints as text. Add the “-->”.",
    },
    "foreword-part-generated": {
        "zh": "前言中的“{part}”由系统根据文件设置和起草组信息自动生成，这里不必再写。请删除这一段，以免重复。",
        "en": "The foreword's {part_en} is generated from the document's settings and drafting group; it need not be typed. Delete this paragraph.",
    },
    "foreword-order": {
        "zh": "前言中的“{part}”应位于“{before}”之后。GB/T 1.1—2020规定的顺序为：起草依据、与其他文件的关系、与代替文件相比的变化、与国际文件的一致性程度、专利说明、提出和归口信息、起草单位、主要起草人、历次版本发布情况。导出时按此顺序排列。",
        "en": "In the foreword, the {part_en} belongs after the {before_en}. GB/T 1.1-2020 orders: drafting rules, relation to other documents, changes, degree of correspondence, patents, proposer and committee, drafting units, main drafters, previous editions. The export prints them in this order.",
    },
    "patent-statement-missing": {
        "zh": "文件设置中注明本文件涉及已知专利，但前言中没有专利说明。请在前言中写明涉及的专利。",
        "en": "The settings say the document involves known patents, but the foreword has no patent statement. State the patents in the foreword.",
    },
    "verbal-form-count": {
        "zh": "{clause}：应 {shall} 处，宜 {should} 处，可 {may} 处，能 {can} 处。",
        "en": "{clause}: shall (应) {shall}, should (宜) {should}, may (可) {may}, can (能) {can}.",
    },
    "conflict-markers": {
        "zh": "第{start}行至第{end}行是未解决的合并冲突：第{lines}行是冲突标记（{markers}）。请在此处保留需要的文字，删除这些标记行后再保存。",
        "en": "Lines {start} to {end} are an unresolved merge conflict: lines {lines} are conflict markers ({markers}). Keep the wording you want there and delete the marker lines before saving.",
    },
    "formula-invalid": {
        "zh": "公式“{formula}”无法解析，PDF中显示为“［公式无法解析］”。请检查LaTeX写法（括号是否配对、命令是否拼写正确）。",
        "en": "The formula “{formula}” does not parse; the PDF shows “［公式无法解析］” instead. Check the LaTeX (matching braces, spelling of commands).",
    },
    "formula-cjk": {
        "zh": "公式“{formula}”中有汉字，无法绘制，PDF中显示为“［公式无法解析］”。请在公式中使用符号，并在公式后的“其中：”中说明其含义。",
        "en": "The formula “{formula}” contains Chinese characters, which cannot be drawn; the PDF shows “［公式无法解析］”. Use symbols in the formula and explain them under “其中：” after it.",
    },
    "footnote-undefined": {
        "zh": "脚注“[^{label}]”没有定义，原样显示。请在段落之后添加“[^{label}]: 脚注文字”。",
        "en": "The footnote “[^{label}]” has no definition and prints as written. Add “[^{label}]: footnote text” after the paragraph.",
    },
    "footnote-unused": {
        "zh": "脚注“[^{label}]”的定义没有被引用，其文字显示在定义处。请在正文中引用它（写“[^{label}]”）或删除该定义。",
        "en": "The footnote definition “[^{label}]” is never cited; its text prints where it is defined. Cite it with “[^{label}]” or remove it.",
    },
    "footnote-duplicate": {
        "zh": "脚注“[^{label}]”定义了不止一次，后面的定义显示在定义处。请为每个脚注使用不同的标记。",
        "en": "The footnote “[^{label}]” is defined more than once; the later definition prints where it is written. Give each footnote its own label.",
    },
}

ELEMENT_NAMES: dict[str, dict[Locale, str]] = {
    "foreword": {"zh": "前言", "en": "foreword"},
    "introduction": {"zh": "引言", "en": "introduction"},
    "clause": {"zh": "章", "en": "clause"},
    "annex": {"zh": "附录", "en": "annex"},
    "bibliography": {"zh": "参考文献", "en": "bibliography"},
    "index": {"zh": "索引", "en": "index"},
}

_DOCUMENT_LEVEL = {"zh": "全文", "en": "Document"}


class _Params(dict):
    """Leaves unknown placeholders visible instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def format_message(
    code: str, params: Mapping[str, Any], clause: str | None, locale: Locale = "zh"
) -> str:
    """The sentence for ``code`` in ``locale`` ("zh" or "en"; other locales fall back to zh)."""
    lang = "en" if locale.lower().startswith("en") else "zh"
    template = MESSAGES.get(code, {}).get(lang)
    if template is None:
        return f"{code}: {dict(params)}"
    values = _Params(params)
    for key, value in values.items():  # lists read as lists in each language
        if isinstance(value, list | tuple):
            values[key] = ("、" if lang == "zh" else ", ").join(map(str, value))
    for key in ("element", "after"):  # element keys name parts of the document
        if key in values and values[key] in ELEMENT_NAMES:
            values[key] = ELEMENT_NAMES[values[key]][lang]
    if clause is None and params.get("element") in ELEMENT_NAMES:
        name = ELEMENT_NAMES[params["element"]][lang]
        clause = name[:1].upper() + name[1:]
    values.setdefault("clause", clause or _DOCUMENT_LEVEL[lang])
    return template.format_map(values)
