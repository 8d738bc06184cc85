"""A drafting group, a document and a person for every role."""

from __future__ import annotations

import itertools
import struct
import zlib
from types import SimpleNamespace

from drafting.documents import services
from drafting.groups import services as group_services
from drafting.groups.models import GroupRole
from tests.support import factories

_n = itertools.count(1)

TEXT = """# 前言

本文件由测试联盟提出。

# 范围

本文件规定了废旧电池回收的技术要求。

# 规范性引用文件

本文件没有规范性引用文件。

# 术语和定义

本文件没有需要界定的术语和定义。

# 技术要求

## 一般要求

回收企业应具备相应的处理能力。

## 环境要求

处理过程应符合环保要求。

# 参考文献

[1]　GB/T 1.1—2020　标准化工作导则
"""


def make_document(group, actor, text: str = TEXT, **kw):
    n = next(_n)
    return services.create_document(
        number=kw.pop("number", f"T/CESA {9000 + n}—2026"),
        title_zh=kw.pop("title_zh", f"测试标准{n}"),
        group=group,
        actor=actor,
        text=text,
        **kw,
    )


def make_world(text: str = TEXT) -> SimpleNamespace:
    secretariat = factories.make_user("secretariat")
    main_org, part_org, other_org = factories.make_org(), factories.make_org(), factories.make_org()
    group = group_services.create_group("测试起草组", actor=secretariat)
    group_services.add_member(group, main_org, GroupRole.MAIN, actor=secretariat)
    group_services.add_member(group, part_org, GroupRole.PARTICIPATING, actor=secretariat)
    w = SimpleNamespace(
        secretariat=secretariat,
        main_org=main_org,
        part_org=part_org,
        other_org=other_org,
        group=group,
        main_editor=factories.make_user("member", org=main_org),
        main_editor2=factories.make_user("member", org=main_org),
        participant=factories.make_user("member", org=part_org),
        outsider=factories.make_user("member", org=other_org),
        reviewer=factories.make_user("reviewer"),
    )
    w.document = make_document(group, secretariat, text)
    return w


def png_bytes(width: int = 8, height: int = 6, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A real, small, solid-colour PNG (zlib + struct; no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes(rgb) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


FIGURE_NAME = "图1-工艺流程.png"


def add_image(document, actor, name: str = FIGURE_NAME, data: bytes | None = None):
    return services.add_attachment(document, filename=name, data=data or png_bytes(), actor=actor)
