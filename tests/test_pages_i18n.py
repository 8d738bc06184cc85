"""Pages in Chinese and in English (issues 9 and 16): the site name per
language, the help page in the reader's language, full-width punctuation,
ranges of one, short forms that keep words whole, the favicon, the
"publish decisions" button before the deadline, and the markup the
accessibility audit asked for.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from drafting.applications import services as app_services
from drafting.core.i18n import site_name
from drafting.core.text import shorten
from drafting.documents import services
from drafting.main.help import language_part
from drafting.standardtext import render
from tests.calls.factories import PDF, close_call, make_application, make_call
from tests.documents.factories import make_world

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "drafting" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


# --- site name -------------------------------------------------------------


def test_site_name_is_given_per_language(client):
    zh = _html(client.get("/?lang=zh"))
    en = _html(client.get("/?lang=en"))
    assert re.search(r"<title>[^<]* · 团体标准起草平台</title>", zh)
    assert re.search(r"<title>[^<]* · Group Standards Drafting Platform</title>", en)
    assert 'class="brand" href="/">Group Standards Drafting Platform</a>' in en
    assert "团体标准起草平台" not in re.sub(r'lang="zh-CN">中文', "", en)


def test_site_name_settings(app):
    saved = {k: app.config.get(k) for k in ("SITE_NAME", "SITE_NAME_ZH", "SITE_NAME_EN")}
    try:
        with app.test_request_context():
            # The old single setting still names the site, in both languages.
            app.config.update(SITE_NAME="绿色电池联盟平台", SITE_NAME_ZH=None, SITE_NAME_EN=None)
            assert site_name("zh") == "绿色电池联盟平台"
            assert site_name("en") == "绿色电池联盟平台"
            app.config.update(
                SITE_NAME_ZH="电池联盟标准平台", SITE_NAME_EN="Battery Alliance Standards"
            )
            assert site_name("zh") == "电池联盟标准平台"
            assert site_name("en") == "Battery Alliance Standards"
    finally:
        app.config.update(saved)


# --- help in the reader's language -------------------------------------------


def test_conventions_help_shows_only_the_readers_language(client):
    en = _html(client.get("/help/conventions?lang=en"))
    zh = _html(client.get("/help/conventions?lang=zh"))
    assert "Markdown conventions for standards" in en
    assert "标准文本的 Markdown 写法" not in en
    assert "标准文本的 Markdown 写法" in zh
    assert "Markdown conventions for standards" not in zh


def test_language_part_ignores_headings_in_code_and_keeps_a_single_language_doc():
    text = "# 写法\n\n```\n# Example (English)\n```\n\n---\n\n# Guide (English)\n\nText.\n"
    assert language_part(text, "en") == "# Guide (English)\n\nText.\n"
    chinese = language_part(text, "zh")
    assert "# Example (English)" in chinese and "Guide" not in chinese
    assert not chinese.rstrip().endswith("---")
    assert language_part("# 只有中文\n", "en") == "# 只有中文\n"


# --- favicon -------------------------------------------------------------------


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert '<link rel="icon" href="/favicon.ico"' in _html(client.get("/"))


# --- punctuation ---------------------------------------------------------------

CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”]"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdf]|%[sd]|\{[a-z_]+\}|\?[a-z_]+=\S*")
HALF_WIDTH_NEXT_TO_CJK = re.compile(CJK + r"\s?[:,;!?()]|[:,;!?()]\s?" + CJK)


def test_chinese_catalogue_uses_full_width_punctuation():
    catalogue = read_po(CATALOGUE.open("rb"))
    bad = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            if text and HALF_WIDTH_NEXT_TO_CJK.search(PLACEHOLDER.sub("X", text)):
                bad.append(text)
    assert not bad, bad


def test_application_page_uses_full_width_punctuation_in_chinese(client, db, login_as):
    call = make_call()
    application = make_application(call, complete=False)
    login_as(application.organization.users[0])
    html = _html(client.get(f"/applications/{application.id}?lang=zh"))
    assert "缺少：说明、证明材料文件" in html
    assert "截止时间：" in html and "截止时间: " not in html
    assert "证明材料：" in html or "证明材料类型：" in html or "：说明" in html
    english = _html(client.get(f"/applications/{application.id}?lang=en"))
    assert "missing: statement, evidence file" in english


def test_merged_note_names_a_single_revision_without_a_range(app, db, client):
    world = make_world()
    doc = world.document
    base = doc.head_revision
    lines = base.text.split("\n")
    # Two edits far apart in the text: the second save merges the first.
    first = "\n".join(["新增开头段落。", *lines])
    services.save_revision(
        doc, first, base_revision_id=base.id, message="a", actor=world.secretariat
    )
    second = "\n".join([*lines, "", "新增结尾段落。"])
    with app.test_request_context(), force_locale("zh"):
        result = services.save_revision(
            doc, second, base_revision_id=base.id, message="", actor=world.secretariat
        )
        note = result.revision.message
    assert re.search(r"第 \d+ 版", note), note
    assert not re.search(r"(\d+)–\1", note), note


# --- short forms -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text,limit,expected",
    [
        (
            "行业相关企事业单位：汽车、电池、能源、环保及综合利用等行业相关企事业单位，电池拆解设备企业",
            30,
            "行业相关企事业单位：汽车、电池、能源…",
        ),
        ("具备一定技术能力和实力", 30, "具备一定技术能力和实力"),
        (
            "Has experience drafting standards in the battery industry",
            30,
            "Has experience drafting…",
        ),
        # No place to cut without splitting a word: kept whole.
        (
            "废旧磷酸铁锂电池正极材料回收利用技术规范" * 3,
            20,
            "废旧磷酸铁锂电池正极材料回收利用技术规范" * 3,
        ),
    ],
)
def test_shorten_cuts_at_word_boundaries(text, limit, expected):
    assert shorten(text, limit) == expected


def test_missing_requirement_message_keeps_words_whole(app, db):
    call = make_call()
    call.requirements[0].text = (
        "行业相关企事业单位：汽车、电池、能源、环保及综合利用等行业相关企事业单位，"
        "电池拆解设备企业、拆解企业，熟悉行业发展情况（请上传营业执照）"
    )
    db.session.flush()
    application = make_application(call, complete=False)
    with app.test_request_context(), force_locale("zh"):
        problems = app_services.missing_items(application)
    mentioned = next(p for p in problems if "行业相关企事业单位" in p)
    # Cut after a punctuation mark, never inside a word such as 企事业单位.
    assert "行业相关企事业单位：汽车、电池、能源、环保及综合利用等行业相关企事业单位…" in mentioned


# --- documents in English ----------------------------------------------------------


def test_document_page_in_english_joins_units_with_commas_and_words_placeholders(
    app, db, client, login_as
):
    world = make_world()
    doc = world.document
    text = doc.head_revision.text + "\n\n![工艺流程](不存在的图.png)\n"
    services.save_revision(
        doc, text, base_revision_id=doc.head_revision.id, message="m", actor=world.secretariat
    )
    db.session.commit()
    login_as(world.secretariat)
    en = _html(client.get(f"/documents/{doc.id}?lang=en"))
    zh = _html(client.get(f"/documents/{doc.id}?lang=zh"))
    units = f"{world.main_org.name}, {world.part_org.name}"
    assert units in en
    assert f"{world.main_org.name}、{world.part_org.name}" in zh
    assert "[missing attachment: 不存在的图.png]" in en and "缺少附件" not in en
    assert "［缺少附件：不存在的图.png］" in zh
    editor = _html(client.get(f"/documents/{doc.id}/edit?lang=en"))
    assert 'placeholder="process-flow.png"' in editor
    assert 'placeholder="图1-工艺流程.png"' in _html(
        client.get(f"/documents/{doc.id}/edit?lang=zh")
    )


def test_standard_text_placeholders_default_to_chinese_for_the_pdf():
    html = render("# 范围\n\n![图](缺的.png)\n", attachments=set()).html
    assert "［缺少附件：缺的.png］" in html


# --- decisions before the deadline -----------------------------------------------------


def test_publish_decisions_is_disabled_before_the_deadline_with_the_reason(
    client, db, sec, login_as
):
    call = make_call(actor=sec)
    make_application(call, submit=True)
    db.session.commit()
    login_as(sec)
    html = _html(client.get(f"/review/calls/{call.id}/decisions?lang=zh"))
    button = re.search(r'<button[^>]*data-testid="publish-decisions"[^>]*>', html).group(0)
    assert "disabled" in button and 'aria-describedby="publish-why"' in button
    assert "截止时间过后方可公布结果" in html
    close_call(call)
    db.session.commit()
    html = _html(client.get(f"/review/calls/{call.id}/decisions?lang=zh"))
    button = re.search(r'<button[^>]*data-testid="publish-decisions"[^>]*>', html).group(0)
    assert "disabled" not in button
    assert "publish-why" not in html


# --- markup from the accessibility audit ------------------------------------------------


def test_menu_is_a_details_element_that_works_without_script(client):
    html = _html(client.get("/?lang=zh"))
    details = re.search(r"<details[^>]*data-nav-menu[^>]*>(.*?)</details>", html, re.S)
    assert details and " open" in details.group(0)[:60]
    assert "<summary" in details.group(1) and 'href="/login"' in details.group(1)


def test_audit_table_is_a_focusable_labelled_region(client, db, sec, login_as):
    login_as(sec)
    html = _html(client.get("/admin/audit/?lang=en"))
    assert re.search(
        r'<div class="table-wrap" tabindex="0" role="region" aria-label="Audit log">', html
    )


def test_empty_table_headers_have_hidden_text(client, db, login_as):
    login_as("member")
    html = _html(client.get("/account/tokens?lang=en"))
    assert "<th></th>" not in html
    assert '<th><span class="sr-only">Actions</span></th>' in html


def test_save_returns_to_the_save_buttons_and_upload_to_its_requirement(client, db, login_as):
    call = make_call()
    application = make_application(call, complete=False)
    login_as(application.organization.users[0])
    requirement = call.requirements[0]
    response = client.post(
        f"/applications/{application.id}",
        data={f"answer-{requirement.id}": "本公司为独立法人。", "action": "save"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/{application.id}#app-actions")
    response = client.post(
        f"/applications/{application.id}",
        data={
            "action": "upload",
            f"file-{requirement.id}": (io.BytesIO(PDF), "营业执照.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#req-{requirement.id}")
    html = _html(client.get(f"/applications/{application.id}"))
    assert 'id="app-actions"' in html and "营业执照.pdf" in html
