from sqlalchemy import func, select

from drafting.accounts.models import Role, User
from drafting.mail.models import MailStatus
from drafting.mail.services import queue_mail


def test_create_admin_and_token(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "Boss@Example.com",
            "--name",
            "秘书长",
            "--password",
            "a very long password",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "boss@example.com"))
    assert user.role == Role.SECRETARIAT and user.email_confirmed
    result = runner.invoke(
        args=["create-admin", "--email", "x@example.com", "--name", "x", "--password", "short"]
    )
    # Operators read the default language (Chinese) unless told otherwise.
    assert result.exit_code != 0 and "10" in result.output
    result = runner.invoke(args=["create-token", "--email", "boss@example.com"])
    assert result.exit_code == 0
    secret = result.output.strip()
    assert (
        app.test_client()
        .get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        .json["role"]
        == "secretariat"
    )


def test_seed_demo_loads_once(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "secretariat@drafting.example" in result.output
    count = db.session.scalar(select(func.count(User.id)))
    assert count >= 8
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "already has users" in result.output
    assert db.session.scalar(select(func.count(User.id))) == count


def test_mail_stays_queued_while_smtp_is_down_and_is_sent_later(app, db, mailbox):
    app.config["MAIL_PORT"], real_port = 1, app.config["MAIL_PORT"]  # nothing listens on port 1
    try:
        with app.test_request_context():
            mail = queue_mail(
                "someone@example.com",
                "confirm_email",
                user=User(name="张三"),
                link="http://x/confirm/1",
            )
            db.session.commit()
        runner = app.test_cli_runner()
        result = runner.invoke(args=["mail", "send"])
        assert "1 not sent" in result.output
        db.session.refresh(mail)
        assert mail.status == MailStatus.QUEUED and mail.attempts == 1 and mail.last_error
    finally:
        app.config["MAIL_PORT"] = real_port
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert "1 sent" in result.output
    db.session.refresh(mail)
    assert mail.status == MailStatus.SENT
    assert mailbox.wait_for("someone@example.com")[0]["Subject"]
