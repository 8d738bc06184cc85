"""Uploading a file from the application page also saves what was typed."""

import io

from sqlalchemy import func, select

from drafting.applications.models import Attachment
from tests.calls.factories import PDF, make_application, make_call


def _form(application, text, **files):
    call = application.call
    rid = call.requirements[0].id
    answer = application.answer_for(rid)
    data = {
        f"standard-{call.standards[0].id}": "main",
        "contact_name": "李伟",
        f"answer-{rid}": text,
        f"version-{rid}": str(answer.version if answer else 0),
        "action": "upload",
    }
    data.update(files)
    return rid, data


def test_upload_saves_unsaved_text_and_the_file(client, login_as, db, sec):
    application = make_application(make_call(actor=sec), complete=False)
    login_as(application.organization.users[0])
    rid, data = _form(application, "刚输入、尚未保存的说明")
    data[f"file-{rid}"] = (io.BytesIO(PDF), "资质证书.pdf")
    r = client.post(
        f"/applications/{application.id}", data=data, content_type="multipart/form-data"
    )
    assert r.status_code == 302
    db.session.expire_all()
    assert application.answer_for(rid).statement == "刚输入、尚未保存的说明"
    assert [f.filename for f in application.files_for(rid)] == ["资质证书.pdf"]


def test_refused_upload_keeps_the_text_and_says_why(client, login_as, db, sec):
    application = make_application(make_call(actor=sec), complete=False)
    login_as(application.organization.users[0])
    before = db.session.scalar(select(func.count(Attachment.id)))
    rid, data = _form(application, "这段文字不能丢")
    data[f"file-{rid}"] = (io.BytesIO(b"MZ\x90\x00" + b"\x00" * 64), "setup.pdf")
    r = client.post(
        f"/applications/{application.id}", data=data, content_type="multipart/form-data"
    )
    assert r.status_code == 422
    assert "PDF" in r.get_data(as_text=True)
    db.session.expire_all()
    assert application.answer_for(rid).statement == "这段文字不能丢"
    assert db.session.scalar(select(func.count(Attachment.id))) == before


def test_upload_button_without_a_file(client, login_as, db, sec):
    application = make_application(make_call(actor=sec), complete=False)
    login_as(application.organization.users[0])
    rid, data = _form(application, "没有附件也要保存的说明")
    r = client.post(
        f"/applications/{application.id}", data=data, content_type="multipart/form-data"
    )
    assert r.status_code == 400
    assert "Choose a file" in r.get_data(as_text=True)
    db.session.expire_all()
    assert application.answer_for(rid).statement == "没有附件也要保存的说明"
