"""A deterministic sample group standard in Markdown, for benchmarks.

Self-contained on purpose: clauses with numbered headings, paragraphs of
Chinese requirements (应/宜/可), tables and notes, about 350 KB by default.
"""

from __future__ import annotations

import random

_SUBJECTS = [
    "试验样品",
    "检测设备",
    "起草单位",
    "生产企业",
    "传感器",
    "控制系统",
    "数据接口",
    "防护外壳",
    "电源模块",
    "通信链路",
    "标识标签",
    "包装箱",
    "软件版本",
    "校准装置",
    "环境试验箱",
    "操作人员",
    "检验报告",
    "安装支架",
    "连接器",
    "存储介质",
]
_VERBS = ["符合", "满足", "采用", "记录", "保持", "提供", "检查", "标注", "确认", "验证"]
_OBJECTS = [
    "表 {t} 的规定",
    "GB/T {n}—{y} 的要求",
    "制造商声明的技术参数",
    "附录 A 给出的方法",
    "相应的安全要求",
    "第 {c} 章的规定",
    "设计文件规定的限值",
    "试验方法中的条件",
    "产品使用说明书的内容",
    "有关的国家标准",
]
_CONDITIONS = [
    "在温度 {a} ℃～{b} ℃、相对湿度不大于 {h}% 的条件下",
    "在正常工作状态下",
    "在出厂检验时",
    "在型式检验前",
    "在连续运行 {n} h 后",
    "在额定电压的 {p}% 下",
    "当环境条件发生变化时",
    "在安装完成后",
]
_MODALS = ["应", "应", "应", "宜", "可", "不应"]
_TERMS = [
    ("团体标准", "group standard"),
    ("起草单位", "drafting unit"),
    ("型式检验", "type test"),
    ("出厂检验", "routine test"),
    ("额定电压", "rated voltage"),
    ("防护等级", "degree of protection"),
    ("传感器", "sensor"),
    ("校准", "calibration"),
]
_CHAPTERS = [
    "技术要求",
    "试验方法",
    "检验规则",
    "标志、包装、运输和贮存",
    "安装要求",
    "运行维护",
    "数据管理",
    "安全要求",
    "性能指标",
    "环境适应性",
]


def _sentence(rng: random.Random) -> str:
    obj = rng.choice(_OBJECTS).format(
        t=rng.randint(1, 40),
        n=rng.randint(1000, 39999),
        y=rng.randint(2008, 2024),
        c=rng.randint(4, 12),
    )
    cond = rng.choice(_CONDITIONS).format(
        a=rng.randint(-40, 10),
        b=rng.randint(25, 70),
        h=rng.randint(60, 95),
        n=rng.randint(2, 168),
        p=rng.choice([85, 90, 110, 115]),
    )
    return (
        f"{rng.choice(_SUBJECTS)}{cond}{rng.choice(_MODALS)}{rng.choice(_VERBS)}{obj}"
        f"{rng.choice(['', '，并形成记录', '，偏差不大于 ' + str(rng.randint(1, 9)) + '%'])}。"
    )


def _paragraph(rng: random.Random) -> str:
    return "".join(_sentence(rng) for _ in range(rng.randint(2, 6)))


def _table(rng: random.Random, number: int) -> list[str]:
    lines = [
        f"表 {number}　{rng.choice(_SUBJECTS)}技术参数",
        "",
        "| 序号 | 项目 | 要求 | 试验方法 |",
        "|---|---|---|---|",
    ]
    for k in range(1, rng.randint(4, 9)):
        lines.append(
            f"| {k} | {rng.choice(_SUBJECTS)} | 不大于 {rng.randint(1, 500)} "
            f"{rng.choice(['mm', 'ms', 'V', 'W', 'kPa', '%'])} | 见 {rng.randint(5, 9)}.{rng.randint(1, 9)} |"
        )
    return lines


def generate_standard(target_bytes: int = 350_000, seed: int = 20240601) -> str:
    """Return a Markdown standard of about ``target_bytes`` bytes (UTF-8)."""
    rng = random.Random(seed)
    out = [
        "# T/CXXX 0001—2025 智能传感器通用技术要求",
        "",
        "## 前言",
        "",
        "本文件按照 GB/T 1.1—2020《标准化工作导则　第 1 部分：标准化文件的结构和起草规则》的规定起草。",
        "",
        "## 1　范围",
        "",
        _paragraph(rng),
        "",
        "## 2　规范性引用文件",
        "",
        "下列文件中的内容通过文中的规范性引用而构成本文件必不可少的条款。",
        "",
        "## 3　术语和定义",
        "",
    ]
    for k, (zh, en) in enumerate(_TERMS, 1):
        out += [f"### 3.{k}", "", f"**{zh}**　{en}", "", _paragraph(rng), ""]
    size = sum(len(line.encode()) + 1 for line in out)
    chapter = 4
    table = 1
    while size < target_bytes:
        block = [f"## {chapter}　{_CHAPTERS[(chapter - 4) % len(_CHAPTERS)]}", ""]
        for sub in range(1, rng.randint(4, 8)):
            block += [f"### {chapter}.{sub}　{rng.choice(_SUBJECTS)}", ""]
            for item in range(1, rng.randint(2, 5)):
                block += [f"#### {chapter}.{sub}.{item}", "", _paragraph(rng), ""]
                if rng.random() < 0.25:
                    block += ["注：" + _sentence(rng), ""]
                if rng.random() < 0.12:
                    block += _table(rng, table) + [""]
                    table += 1
        out += block
        size += sum(len(line.encode()) + 1 for line in block)
        chapter += 1
    out += ["## 附录 A", "", "（规范性）", "", "### A.1　试验方法", "", _paragraph(rng), ""]
    return "\n".join(out)


if __name__ == "__main__":
    text = generate_standard()
    print(len(text.encode()), "bytes,", text.count("\n"), "lines")
