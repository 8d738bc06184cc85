"""Demo data: an open call modelled on a real notice, with one submitted and one draft application."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from drafting.accounts.models import Organization, Role, User
from drafting.applications import services as app_services
from drafting.calls import services
from drafting.calls.models import EvidenceKind
from drafting.core.timeutil import utcnow
from drafting.extensions import db
from drafting.groups.models import GroupRole
from drafting.reviews.services import assign_reviewer

NOTICE = """各有关单位：

随着新能源汽车产业的快速发展，动力电池装机量将大幅增长，退役动力电池的绿色再生与材料修复技术是报废动力电池材料高效回收利用的重要基础。为提升行业标准化技术水平，由动力电池回收利用产业联盟发起、中国电子节能技术协会归口的《废旧磷酸铁锂电池正极材料回收利用技术规范》等八项团体标准，现面向行业征集主要起草单位和参编单位，欢迎相关企事业单位积极申报。具体事项通知如下：

## 一、申报单位要求

汽车、电池、能源、环保及综合利用等行业相关企事业单位，电池拆解设备企业、拆解企业，熟悉行业发展情况；具备一定技术能力和实力，在行业内信誉良好；具有一定标准制定工作经验。

## 二、申报方式

请在本平台注册单位账号后在线填写申报材料，并上传营业执照、资质证书等证明材料。

## 三、联系方式

联盟秘书处　电话：0755-8466 8869
"""

STANDARDS = [
    (
        "废旧磷酸铁锂电池正极材料回收利用技术规范",
        "Technical specification for recycling of cathode materials from waste lithium iron phosphate batteries",
    ),
    (
        "退役动力电池梯次利用检测评价方法",
        "Testing and evaluation method for echelon utilization of retired power batteries",
    ),
    (
        "废旧三元锂电池湿法冶金回收技术要求",
        "Technical requirements for hydrometallurgical recycling of waste ternary lithium batteries",
    ),
    (
        "动力电池拆解设备安全技术条件",
        "Safety technical conditions for power battery dismantling equipment",
    ),
    ("再生磷酸铁锂正极材料", "Regenerated lithium iron phosphate cathode material"),
    (
        "废旧动力电池回收服务网点建设与运营规范",
        "Specification for construction and operation of waste power battery recycling service outlets",
    ),
    (
        "退役动力电池包放电技术规范",
        "Technical specification for discharging retired power battery packs",
    ),
    (
        "锂电池回收企业碳排放核算方法",
        "Carbon emission accounting method for lithium battery recycling enterprises",
    ),
]

REQUIREMENTS = [
    (
        "行业相关企事业单位：汽车、电池、能源、环保及综合利用等行业相关企事业单位，电池拆解设备企业、拆解企业，熟悉行业发展情况（请上传营业执照）",
        True,
        EvidenceKind.BOTH,
        1,
    ),
    ("具备一定技术能力和实力（请说明相关技术、产品或项目）", True, EvidenceKind.STATEMENT, 3),
    ("行业内信誉良好", True, EvidenceKind.STATEMENT, 1),
    ("具有一定标准制定工作经验（请列出参与制定的标准，可附证明材料）", False, EvidenceKind.BOTH, 2),
]

# A tiny valid PDF, standing in for a business licence scan.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def load_demo_calls() -> None:
    secretariat = db.session.scalar(
        select(User).where(User.role == Role.SECRETARIAT).order_by(User.id)
    )
    now = utcnow()
    call = services.create_call(
        title="关于征集《废旧磷酸铁锂电池正极材料回收利用技术规范》等八项团体标准起草单位和参编单位的通知",
        notice=NOTICE,
        issuing_body="动力电池回收利用产业联盟 / 中国电子节能技术协会",
        contact="联盟秘书处 0755-8466 8869",
        opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=24),
        actor=secretariat,
    )
    for i, (zh, en) in enumerate(STANDARDS, 1):
        services.add_standard(
            call,
            title_zh=zh,
            title_en=en,
            scope=f"本文件规定了{zh[:-4]}的术语和定义、技术要求、试验方法。",
            planned_number=f"T/CESA 12{i:02d}—2026",
            main_capacity=3,
            actor=secretariat,
        )
    for text, mandatory, evidence, weight in REQUIREMENTS:
        services.add_requirement(
            call,
            text=text,
            mandatory=mandatory,
            evidence=evidence,
            weight=weight,
            actor=secretariat,
        )
    services.publish(call, actor=secretariat)
    for reviewer in db.session.scalars(select(User).where(User.role == Role.REVIEWER)):
        assign_reviewer(call, reviewer, actor=secretariat)

    orgs = list(db.session.scalars(select(Organization).order_by(Organization.id)))

    def first_user(org):
        return db.session.scalar(
            select(User).where(User.organization_id == org.id).order_by(User.id)
        )

    # A submitted application.
    org, user = orgs[0], first_user(orgs[0])
    application = app_services.start_application(call, org, actor=user)
    app_services.update_details(
        application,
        actor=user,
        standards={
            call.standards[0].id: GroupRole.MAIN,
            call.standards[4].id: GroupRole.PARTICIPATING,
        },
    )
    statements = [
        "本公司从事退役动力电池回收、拆解及材料再生，年处理能力 5 万吨。",
        "拥有磷酸铁锂正极材料直接修复再生技术，已获发明专利 12 项。",
        "连续三年获评省级诚信企业，无不良信用记录。",
        "参与制定 GB/T 33598 等国家标准 3 项。",
    ]
    for r, text in zip(call.requirements, statements, strict=True):
        app_services.save_answer(application, r.id, text, base_version=0, actor=user)
        if r.needs_file:
            app_services.add_attachment(
                application, r.id, filename="营业执照.pdf", data=DEMO_PDF, actor=user
            )
    app_services.submit(application, actor=user)
    # A draft application.
    if len(orgs) > 1:
        org, user = orgs[1], first_user(orgs[1])
        application = app_services.start_application(call, org, actor=user)
        app_services.update_details(
            application, actor=user, standards={call.standards[2].id: GroupRole.MAIN}
        )
        app_services.save_answer(
            application,
            call.requirements[0].id,
            "本公司为锂电池正极材料生产企业。",
            base_version=0,
            actor=user,
        )
