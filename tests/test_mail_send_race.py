"""A mail sent while another request writes is marked sent, and never sent twice.

The sender held its read open across the SMTP exchange; on SQLite that read
could not become the write marking the mail sent once another request had
written meanwhile ("database is locked"): the mail went out, stayed queued, and
the next `flask mail send` would have sent it again. Its own app on a SQLite
file, committed for real (the `db` fixture keeps one transaction open).
"""

import sqlite3

from flask_migrate import upgrade

from drafting import create_app
from drafting.extensions import db
from drafting.mail import services
from drafting.mail.models import MailStatus, OutboundMail


def test_a_write_during_the_smtp_exchange_does_not_keep_the_mail_queued(
    tmp_path, smtp_sink, monkeypatch
):
    path = tmp_path / "mail.db"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "SECRET_KEY": "x",
            "RATELIMIT_STORAGE_URI": "memory://",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_sink.port,
            "SERVER_NAME": "drafting.test",
        }
    )
    with app.app_context():
        upgrade(revision="heads")
        for n in (1, 2):
            db.session.add(
                OutboundMail(recipient=f"r{n}@race.example", subject=f"第{n}封", body_text="正文\n")
            )
        db.session.commit()
    real_deliver = services.deliver

    def deliver_while_another_request_writes(mail):
        other = sqlite3.connect(path, timeout=5)
        try:  # a request elsewhere writes and commits while the SMTP server answers
            other.execute("UPDATE outbound_mail SET last_error = 'touched' WHERE id = 2")
            other.commit()
        finally:
            other.close()
        real_deliver(mail)

    monkeypatch.setattr(services, "deliver", deliver_while_another_request_writes)
    with app.app_context():
        assert services.send_queued() == (2, 0)
        rows = db.session.execute(
            db.select(OutboundMail.recipient, OutboundMail.status, OutboundMail.attempts)
        ).all()
        assert sorted(rows) == [
            ("r1@race.example", MailStatus.SENT, 1),
            ("r2@race.example", MailStatus.SENT, 1),
        ]
        assert services.send_queued() == (0, 0)  # nothing is sent a second time
        db.engine.dispose()
    for address in ("r1@race.example", "r2@race.example"):
        assert len(smtp_sink.wait_for(address)) == 1
