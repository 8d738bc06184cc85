"""The approval page: the notes form, its preview without raw HTML, the downloads."""

from __future__ import annotations

from drafting.approval.queries import notes_of
from drafting.extensions import db
from tests.approval.test_notes import docx_text


def test_editors_write_the_notes_and_the_preview_has_no_raw_html(aw, client, login_as):
    login_as(aw.main_editor)
    url = f"/documents/{aw.document.id}/approval"
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="assemble-package"' in page.get_data(
        as_text=True
    )
    r = client.post(
        f"{url}/notes",
        data={
            "technical_content": "**依据**试验数据。<img src=x onerror=alert(1)>",
            "relations": "与国家标准协调。",
            "divergences": "",
            "other": "",
            "version": "0",
        },
    )
    assert r.status_code == 302
    html = client.get(url).get_data(as_text=True)
    preview = html.split('data-testid="notes-preview"', 1)[1]
    assert "<strong>依据</strong>" in preview
    assert "<img" not in preview and "&lt;img src=x onerror=alert(1)&gt;" in preview
    assert notes_of(aw.document).relations == "与国家标准协调。"


def test_a_stale_form_is_refused_and_keeps_the_text(aw, client, login_as):
    login_as(aw.main_editor)
    url = f"/documents/{aw.document.id}/approval/notes"
    assert client.post(url, data={"other": "第一稿", "version": "0"}).status_code == 302
    r = client.post(url, data={"other": "我的版本", "version": "0"})
    assert r.status_code == 409
    assert "我的版本" in r.get_data(as_text=True)
    db.session.expire_all()
    assert notes_of(aw.document).other == "第一稿"


def test_too_long_a_section_is_a_field_error(aw, client, login_as):
    login_as(aw.main_editor)
    r = client.post(
        f"/documents/{aw.document.id}/approval/notes", data={"other": "长" * 20_001, "version": "0"}
    )
    assert r.status_code == 422 and notes_of(aw.document) is None


def test_the_notes_download_as_word_with_a_chinese_name(aw, client, login_as):
    login_as(aw.main_editor)
    r = client.get(f"/documents/{aw.document.id}/approval/notes.docx")
    assert r.status_code == 200
    assert "filename*=UTF-8''T-CESA" in r.headers["Content-Disposition"]
    assert "本文件主要起草人：张三、李四、王五。" in docx_text(r.data)


def test_outsiders_do_not_see_the_tab(aw, client, login_as):
    login_as(aw.participant)
    html = client.get(f"/documents/{aw.document.id}").get_data(as_text=True)
    assert 'data-testid="tab-approval"' not in html
    assert client.get(f"/documents/{aw.document.id}/approval").status_code == 403
    login_as(aw.main_editor)
    html = client.get(f"/documents/{aw.document.id}").get_data(as_text=True)
    assert 'data-testid="tab-approval"' in html


def test_control_characters_are_dropped_not_a_500(aw, client, login_as):
    login_as(aw.main_editor)
    r = client.post(
        f"/documents/{aw.document.id}/approval/notes",
        data={"other": "第一行\x00\x07\n第二行\t完", "version": "0"},
    )
    assert r.status_code == 302
    assert notes_of(aw.document).other == "第一行\n第二行\t完"
