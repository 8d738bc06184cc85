"""Demo data: the first standard of the demo call as a document, with two revisions and two comments."""

from __future__ import annotations

from sqlalchemy import select

from drafting.accounts.models import Organization, Role, User
from drafting.calls.models import CallStandard
from drafting.documents import services
from drafting.documents.states import CommentType
from drafting.extensions import db
from drafting.groups import services as group_services
from drafting.groups.models import GroupRole

DEMO_TEXT = """# 前言

本文件由动力电池回收利用产业联盟提出。

本文件由中国电子节能技术协会归口。

# 范围

本文件规定了废旧磷酸铁锂电池正极材料回收利用的术语和定义、总体要求、技术要求、试验方法和检验规则。

本文件适用于废旧磷酸铁锂电池正极材料的回收、修复再生和综合利用。

# 规范性引用文件

下列文件中的内容通过文中的规范性引用而构成本文件必不可少的条款。其中，注日期的引用文件，仅该日期对应的版本适用于本文件；不注日期的引用文件，其最新版本（包括所有的修改单）适用于本文件。

GB/T 33598　车用动力电池回收利用　拆解规范

GB/T 34015　车用动力电池回收利用　余能检测

# 术语和定义

下列术语和定义适用于本文件。

## 废旧磷酸铁锂电池 | waste lithium iron phosphate battery

以磷酸铁锂为正极活性物质、已退出使用的锂离子电池

## 正极材料 | cathode material

从正极极片上分离得到的、以磷酸铁锂为主要成分的粉体材料

# 总体要求

## 企业要求

回收企业应具备与处理规模相适应的场地、设备和专业技术人员。

回收企业宜建立废旧电池来源和去向的信息追溯系统。

## 环境保护要求

回收过程中产生的废气、废水和固体废物应按国家有关规定处理，不应造成二次污染。

# 技术要求

## 预处理

废旧电池在拆解前应进行放电处理，剩余电压应不高于 1.0 V。

## 正极材料分离

正极材料与集流体的分离宜采用物理方法，铝的回收率应不低于 95%。

## 再生正极材料指标

再生磷酸铁锂正极材料的主要指标应符合[[表1]]的规定。

表：再生磷酸铁锂正极材料主要指标

| 项目 | 单位 | 指标 |
|---|---|---|
| 首次放电比容量（0.1C） | mAh/g | ≥ 150 |
| 铁锂摩尔比 | — | 0.96～1.00 |
| 杂质铝含量 | % | ≤ 0.05 |
| 水分 | % | ≤ 0.1 |

# 试验方法

再生正极材料的电化学性能按[[附录A]]规定的方法测定。

# 附录（规范性）电化学性能试验方法

## 扣式电池制备

将再生正极材料、导电剂和黏结剂按质量比 90∶5∶5 混合制成正极片。

## 充放电试验

在（25±2）℃下以 0.1C 倍率进行充放电，记录首次放电比容量。

# 参考文献

[1]　GB/T 1.1—2020　标准化工作导则　第1部分：标准化文件的结构和起草规则
"""


def load_demo_documents() -> None:
    secretariat = db.session.scalar(
        select(User).where(User.role == Role.SECRETARIAT).order_by(User.id)
    )
    standard = db.session.scalar(select(CallStandard).order_by(CallStandard.id))
    by_name = {o.name: o for o in db.session.scalars(select(Organization))}
    main_org, part_org = (
        by_name.get("绿能电池回收有限公司"),
        by_name.get("华锂新材料科技股份有限公司"),
    )
    title_zh = standard.title_zh if standard else "废旧磷酸铁锂电池正极材料回收利用技术规范"
    title_en = standard.title_en if standard else ""
    group = standard.drafting_group if standard is not None else None
    if group is None:
        group = group_services.create_group(title_zh, actor=secretariat)
        if main_org:
            group_services.add_member(group, main_org, GroupRole.MAIN, actor=secretariat)
        if part_org:
            group_services.add_member(group, part_org, GroupRole.PARTICIPATING, actor=secretariat)
        if standard is not None:
            standard.drafting_group = group
    number = standard.planned_number if standard and standard.planned_number else "T/CESA 1201—2026"
    document = services.create_document(
        number=number,
        title_zh=title_zh,
        title_en=title_en,
        ics="13.030.50",
        ccs="Z 70",
        issuing_body="中国电子节能技术协会",
        group=group,
        actor=secretariat,
    )
    first = document.head_revision
    editors = [u for u in main_org.users] if main_org else [secretariat]
    author = editors[0]
    services.save_revision(
        document, DEMO_TEXT, first.id, "填写范围、术语、技术要求和附录A", actor=author
    )
    second_author = editors[1] if len(editors) > 1 else author
    text = DEMO_TEXT.replace(
        "回收企业宜建立废旧电池来源和去向的信息追溯系统。",
        "回收企业宜建立废旧电池来源和去向的信息追溯系统，追溯信息保存期限不宜少于3年。",
    )
    head = services.save_revision(
        document, text, document.head_revision_id, "补充追溯信息保存期限", actor=second_author
    ).revision
    commenter = part_org.users[0] if part_org and part_org.users else secretariat
    services.add_comment(
        document,
        revision=head,
        clause="5.2",
        type=CommentType.TECHNICAL,
        quote="铝的回收率应不低于 95%",
        body="铝回收率 95% 的指标偏高，湿法工艺难以稳定达到。",
        proposed_change="改为“铝的回收率应不低于 90%”。",
        actor=commenter,
    )
    services.add_comment(
        document,
        revision=head,
        clause="2",
        type=CommentType.EDITORIAL,
        body="GB/T 33598 已有 2023 版，建议核对引用文件的名称。",
        actor=commenter,
    )
