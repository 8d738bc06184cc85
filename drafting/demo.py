"""Demo data: a secretariat, two reviewers, three member companies."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from drafting.accounts.credit_code import check_character
from drafting.accounts.models import Organization, OrganizationType, Role, User
from drafting.accounts.services import create_user
from drafting.core.cli import with_public_url
from drafting.demo_calls import load_demo_calls
from drafting.demo_stages import load_demo_stages
from drafting.documents.demo import load_demo_documents
from drafting.extensions import db

DEMO_PASSWORD = "demo-password-2026"


def _code(first17: str) -> str:
    return first17 + check_character(first17)


COMPANIES = [
    (
        "绿能电池回收有限公司",
        _code("91440300MA5F00001"),
        "深圳市龙岗区坪地街道红花岭路1号",
        "li.wei@greencell.example",
        "李伟",
        "wang.fang@greencell.example",
        "王芳",
    ),
    (
        "华锂新材料科技股份有限公司",
        _code("91320500MA1M00002"),
        "江苏省苏州市工业园区星湖街328号",
        "zhang.min@hualithium.example",
        "张敏",
        "chen.jie@hualithium.example",
        "陈杰",
    ),
    (
        "中科再生资源研究院",
        _code("12100000MB0100003"),
        "北京市海淀区中关村南四街4号",
        "liu.yang@zkzs.example",
        "刘洋",
        None,
        None,
    ),
]


def demo_logins() -> list[tuple[str, str]]:
    logins = [("secretariat", "secretariat@drafting.example")]
    logins += [
        ("reviewer", "reviewer1@drafting.example"),
        ("reviewer", "reviewer2@drafting.example"),
    ]
    for _name, _code, _addr, email, _n, email2, _n2 in COMPANIES:
        logins.append(("member", email))
        if email2:
            logins.append(("member", email2))
    return logins


def load_demo() -> None:
    create_user(
        email="secretariat@drafting.example",
        name="秘书处 赵老师",
        password=DEMO_PASSWORD,
        role=Role.SECRETARIAT,
    )
    create_user(
        email="reviewer1@drafting.example",
        name="评审专家 孙教授",
        password=DEMO_PASSWORD,
        role=Role.REVIEWER,
    )
    orgs = []
    for name, code, address, email, person, email2, person2 in COMPANIES:
        org = Organization(
            name=name,
            credit_code=code,
            type=OrganizationType.ENTERPRISE if "公司" in name else OrganizationType.INSTITUTION,
            address=address,
            contact_name=person,
            contact_email=email,
        )
        db.session.add(org)
        db.session.flush()
        create_user(
            email=email, name=person, password=DEMO_PASSWORD, role=Role.MEMBER, organization=org
        )
        if email2:
            create_user(
                email=email2,
                name=person2,
                password=DEMO_PASSWORD,
                role=Role.MEMBER,
                organization=org,
            )
        orgs.append(org)
    # The second reviewer works for a research institute that also applies:
    # they must never see that institute's applications.
    create_user(
        email="reviewer2@drafting.example",
        name="评审专家 周研究员",
        password=DEMO_PASSWORD,
        role=Role.REVIEWER,
        organization=orgs[2],
    )
    load_demo_calls()
    load_demo_documents()
    load_demo_stages()


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Only when the database has no users.")
@with_public_url
def seed_demo(if_empty: bool) -> None:
    """Load demo data and print the demo logins."""
    if if_empty and db.session.scalar(select(func.count(User.id))):
        click.echo("Database already has users; demo data not loaded.")
    else:
        load_demo()
        db.session.commit()
        click.echo("Demo data loaded.")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for role, email in demo_logins():
        click.echo(f"  {role:<12} {email}")
