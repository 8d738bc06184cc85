"""A deterministic, realistic group standard of any length, for tests and benches.

``generate_standard(pages=130)`` writes an energy-saving equipment standard
with the usual elements: foreword, introduction, scope, normative references,
terms, technical chapters with subclauses, lists, notes, examples, tables,
cross-references, a figure, two annexes and a bibliography. The same
``pages`` and ``seed`` always give the same text.
"""

from __future__ import annotations

import random
import struct
import zlib

#: Characters of Markdown per printed page, measured on the export layout
#: (bench/export.py prints the actual page count so this can be re-tuned).
CHARS_PER_PAGE = 1180

FIGURE_NAME = "setup.png"

_SUBJECTS = [
    "被测设备",
    "样品",
    "控制单元",
    "电源模块",
    "变频装置",
    "冷却系统",
    "测量仪器",
    "数据采集系统",
    "储能单元",
    "照明装置",
    "热泵机组",
    "电动机",
    "变压器",
    "服务器机柜",
]
_PARAMS = [
    "输入功率",
    "待机功率",
    "功率因数",
    "能效比",
    "输出电压",
    "温升",
    "噪声",
    "综合能耗",
    "负载率",
    "效率",
    "谐波电流",
    "出风温度",
    "运行电流",
]
_METHODS = ["功率分析仪", "数字电能表", "热电偶", "声级计", "数据记录仪", "示波器"]
_CONDITIONS = ["额定电压", "额定负载", "50%额定负载", "最大负载", "待机", "低温"]
_MODES = ["节能", "待机", "保护", "降额运行", "睡眠"]
_FEATURES = ["远程监测", "能耗计量", "故障诊断", "定时开关", "负载自适应"]
_UNITS = ["W", "kW", "V", "A", "℃", "dB(A)"]
_CHAPTERS = [
    "技术要求",
    "试验条件",
    "试验方法",
    "能效等级",
    "检验规则",
    "安全要求",
    "数据处理",
    "安装要求",
    "运行与维护",
    "节能评价",
    "测量系统",
    "标志、包装、运输和贮存",
]
_SUBTITLES = [
    "一般要求",
    "性能要求",
    "试验仪器",
    "试验步骤",
    "结果计算",
    "判定规则",
    "抽样",
    "环境条件",
    "电源条件",
    "测量要求",
    "记录",
    "安全防护",
    "出厂检验",
    "型式检验",
]
TERMS = [
    ("能效", "energy efficiency", "在规定的试验条件下，输出的有效能量与输入能量之比"),
    (
        "能效限定值",
        "minimum allowable value of energy efficiency",
        "在规定的试验条件下，允许的最低能效值",
    ),
    (
        "节能评价值",
        "evaluating value of energy conservation",
        "在规定的试验条件下，评价节能产品的能效最低值",
    ),
    ("待机功率", "standby power", "设备处于待机状态时从电网吸收的有功功率"),
    ("额定输入功率", "rated input power", "制造商为设备规定的在额定工作条件下的输入功率"),
    ("能效等级", "energy efficiency grade", "按能效高低对产品划分的级别"),
    ("被测设备", "equipment under test", "按本文件进行试验的设备"),
    (
        "测量不确定度",
        "measurement uncertainty",
        "根据所用到的信息，表征赋予被测量量值分散性的非负参数",
    ),
    ("负载率", "load factor", "实际输出功率与额定输出功率之比"),
    (
        "综合能耗",
        "comprehensive energy consumption",
        "在统计期内实际消耗的各种能源实物量按规定方法折算后的总和",
    ),
    ("功率因数", "power factor", "有功功率与视在功率之比"),
    (
        "稳定运行状态",
        "steady operating state",
        "被测参数在规定时间内的变化不超过规定范围的运行状态",
    ),
]
_REFERENCED = [
    "GB/T 1.1—2020　标准化工作导则　第1部分：标准化文件的结构和起草规则",
    "GB/T 2589　综合能耗计算通则",
    "GB/T 2828.1　计数抽样检验程序　第1部分：按接收质量限（AQL）检索的逐批检验抽样计划",
    "GB/T 3768　声学　声压法测定噪声源声功率级和声能量级　采用反射面上方包络测量面的简易法",
    "GB 4208　外壳防护等级（IP代码）",
    "GB/T 12325　电能质量　供电电压偏差",
    "GB/T 17626.2　电磁兼容　试验和测量技术　静电放电抗扰度试验",
    "GB/T 191　包装储运图示标志",
]


class _Writer:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.out: list[str] = []
        self.size = 0
        self.tables = 0
        self.table_prefix = ""  # "A." inside annex A: its tables are 表A.1, 表A.2…
        self.clauses: list[str] = []
        self.figure_done = False

    def add(self, text: str) -> None:
        self.out.append(text)
        self.size += len(text)

    def pick(self, items: list[str]) -> str:
        return self.rng.choice(items)

    def sentence(self) -> str:
        r = self.rng
        subj, param = self.pick(_SUBJECTS), self.pick(_PARAMS)
        templates = [
            f"{subj}应在{self.pick(_CONDITIONS)}条件下连续运行{r.randint(2, 72)} h，运行期间{param}的波动不应超过{r.randint(1, 9)}%。",
            f"{subj}的{param}宜采用{self.pick(_METHODS)}进行测量，测量结果应修约到{r.randint(2, 4)}位有效数字。",
            f"当{param}超过{r.randint(10, 900)} {self.pick(_UNITS)}时，{subj}应自动切换到{self.pick(_MODES)}模式，并记录切换时间。",
            f"{subj}可按用户要求配置{self.pick(_FEATURES)}功能，但不应影响{param}的测量准确度。",
            f"试验前，应将{subj}置于（{r.randint(15, 30)}±2）℃的环境中保持{r.randint(1, 24)} h，使其温度达到稳定。",
            f"{param}的测量不确定度应不大于{r.randint(1, 5)}.{r.randint(0, 9)}%（k=2）。",
            f"在{self.pick(_CONDITIONS)}条件下，{subj}的{param}应符合制造商明示值，偏差不应大于{r.randint(2, 10)}%。",
            f"{subj}在{self.pick(_MODES)}模式下的{param}不宜高于额定值的{r.randint(5, 40)}%。",
        ]
        text = r.choice(templates)
        if self.tables and r.random() < 0.08:
            text = text[:-1] + f"，限值见[[表{self.table_prefix}{r.randint(1, self.tables)}]]。"
        elif len(self.clauses) > 3 and r.random() < 0.05:
            text = text[:-1] + f"，方法见[[{r.choice(self.clauses[:-1])}]]。"
        elif r.random() < 0.03:
            text = text[:-1] + "，试验方法见[[附录A]]。"
        return text

    def paragraph(self) -> None:
        self.add("".join(self.sentence() for _ in range(self.rng.randint(2, 5))) + "\n\n")

    def block(self) -> None:
        roll = self.rng.random()
        if roll < 0.55:
            self.paragraph()
        elif roll < 0.70:
            self.list_()
        elif roll < 0.80:
            self.add(f"注：{self.sentence()}\n\n")
        elif roll < 0.85:
            self.add(
                f"示例：{self.pick(_SUBJECTS)}的{self.pick(_PARAMS)}实测值为{self.rng.randint(10, 99)}.{self.rng.randint(0, 9)} {self.pick(_UNITS)}，符合要求。\n\n"
            )
        elif roll < 0.96:
            self.table()
        else:
            self.figure()

    def list_(self) -> None:
        self.add(f"{self.pick(_SUBJECTS)}应具有下列功能：\n\n")
        ordered = self.rng.random() < 0.5
        n = self.rng.randint(3, 6)
        for i in range(n):
            end = "。" if i == n - 1 else "；"
            item = f"{self.pick(_FEATURES)}，{self.pick(_PARAMS)}的测量周期不大于{self.rng.randint(1, 60)} s{end}"
            self.add(f"{i + 1}. {item}\n" if ordered else f"- {item}\n")
        self.add("\n")

    def table(self) -> None:
        self.tables += 1
        r = self.rng
        subj, param = self.pick(_SUBJECTS), self.pick(_PARAMS)
        self.add(f"{subj}的{param}应符合[[表{self.table_prefix}{self.tables}]]的规定。\n\n")
        self.add(f"表：{subj}{param}限值\n\n")
        self.add("| 额定功率 P/kW | 1级 | 2级 | 3级 | 试验方法 |\n|:---|---:|---:|---:|:---:|\n")
        low = 0
        for _ in range(r.randint(5, 12)):
            high = low + r.randint(1, 50)
            grade = sorted((r.randint(60, 98) for _ in range(3)), reverse=True)
            method = r.choice(self.clauses) if self.clauses else "—"
            self.add(f"| {low}<P≤{high} | {grade[0]} | {grade[1]} | {grade[2]} | {method} |\n")
            low = high
        self.add("\n")

    def figure(self) -> None:
        if self.figure_done:
            self.paragraph()
            return
        self.figure_done = True
        self.add(
            f"试验装置的连接见[[#setup]]。\n\n![试验装置连接示意图 {{#setup}}]({FIGURE_NAME})\n\n"
        )


def generate_standard(pages: int = 130, *, seed: int = 2026) -> str:
    """A complete standard that lays out to roughly ``pages`` A4 pages."""
    w = _Writer(seed)
    budget = max(pages, 4) * CHARS_PER_PAGE
    w.add("# 前言\n\n")
    w.add("本文件由中国电子节能技术协会提出并归口。\n\n")
    w.add(
        "# 引言\n\n为规范用能设备的能效评价，统一试验方法和判定规则，制定本文件。"
        "本文件在总结国内用能设备节能技术和检测实践的基础上，"
        "结合相关国家标准和行业标准编制，为设计、生产、检验和节能评价提供依据。\n\n"
    )
    w.add(
        "# 范围\n\n本文件规定了用能设备的技术要求、试验方法、检验规则以及标志、包装、运输和贮存。\n\n"
    )
    w.add("本文件适用于额定功率不大于1000 kW的用能设备的设计、生产和检验。\n\n")
    w.add(
        "# 规范性引用文件\n\n下列文件中的内容通过文中的规范性引用而构成本文件必不可少的条款。"
        "其中，注日期的引用文件，仅该日期对应的版本适用于本文件；不注日期的引用文件，"
        "其最新版本（包括所有的修改单）适用于本文件。\n\n"
    )
    for ref in _REFERENCED:
        w.add(f"{ref}\n\n")
    w.add("# 术语和定义\n\n下列术语和定义适用于本文件。\n\n")
    for zh, en, definition in TERMS:
        w.add(f"## {zh} | {en}\n\n{definition}\n\n")
    start = w.size
    chapter_size = max((budget * 0.82 - start) / 9, 1)
    chapter = 3
    while w.size < budget * 0.82:
        chapter += 1
        w.add(f"# {_CHAPTERS[(chapter - 4) % len(_CHAPTERS)]}\n\n")
        chapter_end = min(w.size + chapter_size, budget * 0.82)
        sub = 0
        while sub < 2 or w.size < chapter_end:
            sub += 1
            number = f"{chapter}.{sub}"
            w.clauses.append(number)
            w.add(f"## {w.pick(_SUBTITLES)}\n\n")
            if w.rng.random() < 0.4:
                for subsub in range(1, w.rng.randint(3, 5)):
                    w.clauses.append(f"{number}.{subsub}")
                    w.add(f"### {w.pick(_SUBTITLES)}\n\n")
                    for _ in range(w.rng.randint(1, 3)):
                        w.block()
            else:
                for _ in range(w.rng.randint(2, 6)):
                    w.block()
        if chapter == 4:
            w.add("能效计算示例见[[附录B]]。\n\n")
    _annex(w, "规范性", "试验方法", budget * 0.94)
    _annex(w, "资料性", "能效计算示例", budget)
    w.add("# 参考文献\n\n")
    for n, ref in enumerate(
        [
            "GB/T 2589—2020　综合能耗计算通则",
            "GB/T 15316—2009　节能监测技术通则",
            "GB 17167—2006　用能单位能源计量器具配备和管理通则",
        ],
        1,
    ):
        w.add(f"[{n}]　{ref}\n\n")
    return "".join(w.out)


def _annex(w: _Writer, nature: str, title: str, until: float) -> None:
    w.add(f"# 附录（{nature}）{title}\n\n")
    w.table_prefix = "A." if w.table_prefix == "" else "B."
    w.tables = 0
    sub = 0
    while w.size < until or sub < 2:
        sub += 1
        w.add(f"## {w.pick(_SUBTITLES)}\n\n")
        for _ in range(w.rng.randint(2, 5)):
            w.block()


def sample_png(width: int = 360, height: int = 160) -> bytes:
    """A small grey-scale PNG of three boxes joined by lines (a "test setup")."""
    pixels = bytearray([255]) * (width * height)

    def rect(x0: int, y0: int, x1: int, y1: int) -> None:
        for x in range(x0, x1 + 1):
            for y in (y0, y0 + 1, y1 - 1, y1):
                pixels[y * width + x] = 40
        for y in range(y0, y1 + 1):
            for x in (x0, x0 + 1, x1 - 1, x1):
                pixels[y * width + x] = 40

    box_w, gap = (width - 40) // 3 - 20, 30
    for i in range(3):
        x0 = 20 + i * (box_w + gap)
        rect(x0, height // 3, x0 + box_w, 2 * height // 3)
        if i:
            y = height // 2
            for x in range(x0 - gap, x0):
                pixels[y * width + x] = 40
    raw = b"".join(b"\x00" + bytes(pixels[y * width : (y + 1) * width]) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def sample_attachments() -> dict[str, bytes]:
    """The attachments :func:`generate_standard` refers to."""
    return {FIGURE_NAME: sample_png()}
