"""With no SMTP server, mail is printed to the log as a person reads it."""

from __future__ import annotations

import json
import logging
import time

from flask_migrate import upgrade

from drafting import create_app
from drafting.accounts.models import Role
from drafting.accounts.services import create_user
from drafting.core.logs import JsonFormatter
from drafting.extensions import db as _db
from drafting.mail.models import MailStatus, OutboundMail
from drafting.mail.services import deliver


def test_mail_without_smtp_server_is_logged_decoded(app, db, caplog):
    mail = OutboundMail(
        recipient="李伟 <li.wei@example.com>",
        subject="请确认您的邮箱地址",
        body_text="您好，\n请打开链接：\nhttps://drafting.test/confirm/abc.DEF-ghi_jkl?x=1&y=2\n",
    )
    server = app.config["MAIL_SERVER"]
    app.config["MAIL_SERVER"] = None
    try:
        with caplog.at_level(logging.INFO, logger="drafting"):
            deliver(mail)
    finally:
        app.config["MAIL_SERVER"] = server
    (record,) = [r for r in caplog.records if r.name == "drafting.mail.services"]
    text = record.getMessage()
    assert "Subject: 请确认您的邮箱地址" in text
    assert "To: 李伟 <li.wei@example.com>" in text
    assert "\nhttps://drafting.test/confirm/abc.DEF-ghi_jkl?x=1&y=2\n" in text + "\n"
    assert "base64" not in text and "=?utf-8?" not in text.lower()
    # The JSON log line carries the same, readable, as fields.
    line = json.loads(JsonFormatter().format(record))
    assert line["mail"]["subject"] == "请确认您的邮箱地址"
    assert line["mail"]["to"] == "李伟 <li.wei@example.com>"
    assert "https://drafting.test/confirm/abc.DEF-ghi_jkl?x=1&y=2" in line["mail"]["text"]


def test_enumeration_sensitive_mail_is_sent_in_the_background(tmp_path, smtp_sink):
    """/password/forgot answers before any SMTP work, whether the account exists or not."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/bg.db",
            "SECRET_KEY": "x",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_sink.port,
            "MAIL_SEND": "background",
            "SERVER_NAME": "drafting.test",
        }
    )
    with app.app_context():
        upgrade(revision="heads")
        create_user(
            email="owner@bg.example",
            name="Owner",
            password="a long password 42",
            role=Role.REVIEWER,
        )
        _db.session.commit()
    client = app.test_client()
    known = client.post("/password/forgot", data={"email": "owner@bg.example"})
    unknown = client.post("/password/forgot", data={"email": "nobody@bg.example"})
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    mail = smtp_sink.wait_for("owner@bg.example")[0]
    assert "/password/reset/" in mail.get_body(("plain",)).get_content()
    assert smtp_sink.to("nobody@bg.example") == []
    with app.app_context():
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # the thread marks it sent just after the SMTP answer
            statuses = _db.session.scalars(_db.select(OutboundMail.status)).all()
            if statuses == [MailStatus.SENT]:
                break
            _db.session.rollback()
            time.sleep(0.05)
        assert statuses == [MailStatus.SENT]
        _db.engine.dispose()
