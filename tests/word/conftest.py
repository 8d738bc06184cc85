"""Fixtures for the Word tests: a standard that uses every construct, its .docx, and helpers."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from drafting.export import DocumentMeta, Stage
from drafting.word import export_docx
from tests.documents.factories import make_world, png_bytes

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "word"

#: Every construct of the dialect the Word converter handles, in the form the
#: import gives back (so the round trip can compare texts).
EVERY_CONSTRUCT = """# 前言

本文件由中国电子节能技术协会提出并归口。

# 引言

本文件旨在统一用能设备的能效评价方法。

# 范围

本文件规定了用能设备能效评价的技术要求[^1]。

[^1]: 用能设备包括电动机、变压器和照明装置。

# 规范性引用文件

下列文件中的内容通过文中的规范性引用而构成本文件必不可少的条款。

# 术语和定义

## 能效 | energy efficiency

输出能量与输入能量之比。

注：能效以百分数表示。

## 待机功率 | standby power

设备处于待机状态时的输入功率。

# 技术要求

## 一般要求

设备应符合下列要求：

- 具有能耗计量功能；
- 具有远程监测功能。

试验按下列步骤进行：

1. 接通电源；
2. 记录输入功率。

能效按[[表1]]的限值评价，按 $\\eta = P_2 / P_1$ 计算，以 H~2~O 和 m^2^ 表示。

$$ \\frac{a}{b}=\\sqrt{x^2+y} $$

注：第一条注。

注：第二条注。

## 性能要求

表：能效限值

| 等级 | 能效 | 待机功率 |
|---|---|---|
| 1级 | 95% | 0.5 W |
| 2级 | < | ^ |

注：表中数值为最低要求。

示例：某电动机能效为96%，为1级。

![试验装置](setup.png)

# 附录（规范性）试验方法

## 试验条件

试验应在额定电压下进行，见[[4.1]]。

# 参考文献

[1] GB/T 1.1—2020　标准化工作导则　第1部分：标准化文件的结构和起草规则
"""


def make_meta(**changes) -> DocumentMeta:
    values = dict(
        association_name="中国电子节能技术协会",
        association_code="T/CESA",
        number="T/CESA 1234—2026",
        title_zh="用能设备能效评价技术规范",
        title_en="Technical specification for energy efficiency evaluation",
        ics="27.010",
        ccs="F 01",
        stage=Stage.DRAFT_FOR_COMMENTS,
        drafting_units=("中国电子节能技术协会", "华能节能科技股份有限公司"),
        drafters=("张三", "李四"),
    )
    values.update(changes)
    return DocumentMeta(**values)


@pytest.fixture(scope="session")
def figure_png() -> bytes:
    return png_bytes(120, 60, (20, 90, 200))


@pytest.fixture(scope="session")
def every_docx(figure_png) -> bytes:
    return export_docx(make_meta(), EVERY_CONSTRUCT, attachments={"setup.png": figure_png})


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        pytest.fail(
            "LibreOffice is missing: apt-get install libreoffice-writer-nogui (scripts/setup.sh --test)"
        )
    return path


def libreoffice_convert(source: Path, target_format: str, outdir: Path) -> Path:
    """Convert with LibreOffice headless, in a profile of its own (parallel runs do not collide)."""
    profile = outdir / "lo-profile"
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            target_format,
            "--outdir",
            str(outdir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    produced = outdir / f"{source.stem}.{target_format.split(':')[0]}"
    assert produced.is_file(), f"LibreOffice made no {target_format} from {source.name}"
    return produced


@pytest.fixture
def world(db, make_user, make_org):
    """A document whose group has a main unit and a participating unit, and people in every role."""
    return make_world()


@pytest.fixture
def doc(world):
    return world.document
