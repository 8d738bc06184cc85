"""A drafting group, a document and a person for every role."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

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
    from drafting.documents import services

    n = next(_n)
    return services.create_document(
        number=kw.pop("number", f"T/CESA {9000 + n}—2026"), title_zh=kw.pop("title_zh", f"测试标准{n}"),
        group=group, actor=actor, text=text, **kw,
    )


def make_world(text: str = TEXT) -> SimpleNamespace:
    secretariat = factories.make_user("secretariat")
    main_org, part_org, other_org = factories.make_org(), factories.make_org(), factories.make_org()
    group = group_services.create_group("测试起草组", actor=secretariat)
    group_services.add_member(group, main_org, GroupRole.MAIN, actor=secretariat)
    group_services.add_member(group, part_org, GroupRole.PARTICIPATING, actor=secretariat)
    w = SimpleNamespace(
        secretariat=secretariat,
        main_org=main_org, part_org=part_org, other_org=other_org, group=group,
        main_editor=factories.make_user("member", org=main_org),
        main_editor2=factories.make_user("member", org=main_org),
        participant=factories.make_user("member", org=part_org),
        outsider=factories.make_user("member", org=other_org),
        reviewer=factories.make_user("reviewer"),
    )
    w.document = make_document(group, secretariat, text)
    return w
