"""Queue mail in the transaction; send it after the commit.

A mail row is written in the same transaction as the change it reports, so
a rolled-back change sends nothing and a committed one is never forgotten:
if the SMTP server is down the row stays queued and `flask mail send`
(run by cron) retries it.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import inspect, select, update

from drafting.core import transaction
from drafting.core.timeutil import utcnow
from drafting.extensions import db
from drafting.mail.models import MailStatus, OutboundMail
from drafting.storage import read_blob

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def queue_mail(
    recipient: str,
    template: str,
    *,
    locale: str | None = None,
    attachment: tuple[str, str, str] | None = None,
    in_background: bool = False,
    **context,
) -> OutboundMail:
    """Render `templates/emails/<template>.txt` in the recipient's language and queue it.

    The template's first line is `Subject: …`. `attachment` is
    (file name, sha256 in the upload store, content type).
    `in_background` hands the sending to a thread instead of the request, so
    that the answer takes as long whether a mail was sent or not (pages that
    must not reveal whether an account exists).
    """
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        rendered = render_template(f"emails/{template}.txt", **context)
    first, _, body = rendered.lstrip().partition("\n")
    subject = first.removeprefix("Subject:").strip()
    mail = OutboundMail(recipient=recipient, subject=subject, body_text=body.strip() + "\n")
    if attachment:
        mail.attachment_name, mail.attachment_sha256, mail.attachment_type = attachment
    db.session.add(mail)
    db.session.flush()
    mail_id = mail.id
    app = current_app._get_current_object()
    if in_background and _background_sending(app):
        transaction.after_commit(lambda: _send_pool(app).submit(_send_in_thread, app, mail_id))
    else:
        transaction.after_commit(lambda: _send_after_commit(app, mail_id))
    return mail


def _background_sending(app) -> bool:
    # Like export jobs: tests on a rolled-back database send at once, in the
    # request (another thread could not see the row); MAIL_SEND=background
    # forces the thread.
    configured = app.config.get("MAIL_SEND")
    if configured:
        return configured == "background"
    return not app.testing


def _send_pool(app) -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mail")
        return _pool


def _send_in_thread(app, mail_id: int) -> None:
    with app.app_context():
        try:
            _send_after_commit(app, mail_id)
        finally:
            db.session.remove()


def _send_after_commit(app, mail_id: int) -> None:
    try:
        send_queued(ids=[mail_id])
    except Exception:  # the row stays queued; cron retries it
        log.exception("sending mail %s failed", mail_id)


def send_queued(ids: list[int] | None = None, limit: int = 200) -> tuple[int, int]:
    """Try to send queued mail (all, or the given ids); return (sent, failed).

    No transaction is open while an SMTP server answers: the rows are read, the
    read is ended, and each mail's outcome is written afterwards by one UPDATE
    that begins its own transaction. (On SQLite a read held across the SMTP
    exchange cannot become the write that marks the mail sent once another
    request has written meanwhile: the mail went out, stayed "queued" and cron
    would have sent it again.)"""
    query = select(OutboundMail).where(OutboundMail.status == MailStatus.QUEUED)
    if ids is not None:
        query = query.where(OutboundMail.id.in_(ids))
    mails = [_copy(m) for m in db.session.scalars(query.order_by(OutboundMail.id).limit(limit))]
    db.session.rollback()  # the copies keep what was read
    sent = failed = 0
    for mail in mails:
        attempts = mail.attempts + 1
        try:
            deliver(mail)
        except (OSError, smtplib.SMTPException) as exc:
            outcome = {"attempts": attempts, "last_error": str(exc)[:500]}
            if attempts >= MAX_ATTEMPTS:
                outcome["status"] = MailStatus.FAILED
            failed += 1
            log.warning("mail %s to %s not sent: %s", mail.id, mail.recipient, exc)
        else:
            outcome = {"attempts": attempts, "status": MailStatus.SENT, "sent_at": utcnow()}
            sent += 1
        db.session.execute(update(OutboundMail).where(OutboundMail.id == mail.id).values(**outcome))
        db.session.commit()
    return sent, failed


def _copy(mail: OutboundMail) -> OutboundMail:
    """A copy of the row's columns outside the session (what ``deliver`` reads)."""
    return OutboundMail(**{a.key: getattr(mail, a.key) for a in inspect(OutboundMail).column_attrs})


def build_message(mail: OutboundMail) -> EmailMessage:
    """The email of an outbox row: headers, text body and its attachment if any."""
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = mail.recipient
    msg["Subject"] = mail.subject
    msg["Message-ID"] = make_msgid(domain="drafting.local")
    msg.set_content(mail.body_text)
    if mail.attachment_sha256:
        maintype, _, subtype = (mail.attachment_type or "application/octet-stream").partition("/")
        msg.add_attachment(
            read_blob(mail.attachment_sha256),
            maintype=maintype,
            subtype=subtype,
            filename=mail.attachment_name,
        )
    return msg


def readable_mail(mail: OutboundMail) -> str:
    """The mail as a person reads it, for the log when no SMTP server is set:
    decoded headers and text (links whole and clickable), no MIME encoding."""
    lines = [
        "mail (no MAIL_SERVER set, printed only)",
        f"To: {mail.recipient}",
        f"Subject: {mail.subject}",
    ]
    if mail.attachment_name:
        lines.append(f"Attachment: {mail.attachment_name} ({mail.attachment_type})")
    lines += ["", mail.body_text.rstrip("\n")]
    return "\n".join(lines)


def deliver(mail: OutboundMail) -> None:
    """Hand one mail to the SMTP server, or print it to the log when none is set."""
    cfg = current_app.config
    msg = build_message(mail)
    if not cfg.get("MAIL_SERVER"):
        log.info(
            "%s",
            readable_mail(mail),
            extra={"mail": {"to": mail.recipient, "subject": mail.subject, "text": mail.body_text}},
        )
        return
    timeout = cfg["MAIL_TIMEOUT"]
    if cfg.get("MAIL_USE_SSL"):
        client = smtplib.SMTP_SSL(
            cfg["MAIL_SERVER"],
            cfg["MAIL_PORT"],
            timeout=timeout,
            context=ssl.create_default_context(),
        )
    else:
        client = smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=timeout)
    with client:
        if cfg.get("MAIL_USE_TLS"):
            client.starttls(context=ssl.create_default_context())
        if cfg.get("MAIL_USERNAME"):
            client.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        client.send_message(msg)
