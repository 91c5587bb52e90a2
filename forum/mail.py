"""Mail: the outbox, and the one place in the forum that speaks SMTP.

`queue()` renders a mail in its recipient's language and adds it to the outbox in the caller's
transaction: a mail exists exactly when the change that caused it commits. `send_queued()`
claims due mail (each by exactly one sender, however many run), sends it and records the
outcome; a failure is retried later with a growing wait, so mail is never lost, and a
`dedupe_key` keeps a mail from being queued twice. The backend is chosen by config: with
MAIL_SERVER set mail goes out by SMTP; without, it is kept (status "kept") for reading at
/admin/mail.
"""

import logging
import re
import secrets
import smtplib
import ssl
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from forum.clock import utcnow
from forum.extensions import db
from forum.models import Mail, MailStatus

log = logging.getLogger(__name__)

# A claim older than MAIL_CLAIM_TIMEOUT belongs to a sender that died (or hangs): the mail is
# released. It must be far longer than one SMTP conversation can take (SMTP_TIMEOUT per step).
SMTP_TIMEOUT = 30  # seconds
# The wait after the n-th failed attempt: 1, 2, 4, 8 … minutes, never more than this.
RETRY_FIRST = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=1)
# Set by the outbox itself: a caller's header may not replace them.
RESERVED_HEADERS = {
    "from", "sender", "to", "cc", "bcc", "subject", "date", "message-id", "mime-version",
    "content-type", "content-transfer-encoding", "auto-submitted", "return-path",
}  # fmt: skip
_HEADER_NAME = re.compile(r"^[!-9;-~]+$")  # printable ASCII without ":" (RFC 5322 ftext)


@dataclass(frozen=True)
class Recipient:
    """A recipient without an account, e.g. the address given to `flask forum mail test`."""

    email: str
    language: str = "ar"
    display_name: str = ""
    id = None  # no account


# Queueing -----------------------------------------------------------------------------------


def queue(user, kind, subject, template, context, *, headers=None, dedupe_key=None):
    """Render a mail to `user` in their language and add it to the outbox; returns its row.

    Runs in the caller's transaction: it never commits and never touches the network.
    `subject` is best a lazy_gettext string, translated here in the recipient's language.
    The bodies are templates/email/<template>.txt and .html, given `context` plus
    `recipient`, `subject`, `base_url` and `absolute_url(endpoint, **values)`. `headers` are
    added as given (e.g. List-Unsubscribe). When a mail with the same `dedupe_key` is in the
    outbox (queued, sent or failed), nothing is added and that mail is returned.
    """
    if dedupe_key is not None:
        existing = _mail_with_key(dedupe_key)
        if existing is not None:
            return existing
    headers = _checked_headers(headers or {})
    language = language_of(user)
    with force_locale(language):
        subject = str(subject)
        context = {
            **context,
            "recipient": user,
            "subject": subject,
            "base_url": current_app.config["BASE_URL"],
            "absolute_url": absolute_url,
        }
        text_body = render_template(f"email/{template}.txt", **context)
        html_body = render_template(f"email/{template}.html", **context)
    return _insert(
        user_id=user.id,
        to_address=user.email,
        to_name=user.display_name or "",
        kind=kind,
        language=language,
        subject=" ".join(subject.split())[:300],  # one line: a header holds no line break
        text_body=text_body,
        html_body=html_body,
        headers=headers,
        message_id=make_msgid(domain=_domain()),
        dedupe_key=dedupe_key,
    )


def queue_test_mail(recipient):
    """A short mail that tries the whole pipeline (`flask forum mail test`, the demo)."""
    return queue(recipient, "test", _l("Test mail from Tabadul"), "test", {})


def absolute_url(endpoint, **values):
    """A full link to a route under BASE_URL: mail is read far from any request."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def language_of(user):
    """The language mail to this person is written in."""
    languages = current_app.config["LANGUAGES"]
    return user.language if user.language in languages else languages[0]


def _domain():
    return urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"


def _checked_headers(headers):
    checked = {}
    for name, value in headers.items():
        value = str(value)
        if not _HEADER_NAME.match(name) or name.lower() in RESERVED_HEADERS:
            raise ValueError(f"not a header a caller may set: {name!r}")
        if "\r" in value or "\n" in value:
            raise ValueError(f"a line break in the {name} header")
        checked[name] = value
    return checked


def _mail_with_key(dedupe_key):
    return db.session.scalar(select(Mail).where(Mail.dedupe_key == dedupe_key))


def _insert(**values):
    """INSERT … ON CONFLICT (dedupe_key) DO NOTHING: atomic on both databases.

    A concurrent transaction that queued the same key first makes this one wait for it and
    then add nothing, with no error that would end the caller's transaction (and no savepoint,
    which pysqlite cannot nest in a transaction it has not begun yet).
    """
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(Mail).values(**values)
    if values["dedupe_key"] is not None:
        statement = statement.on_conflict_do_nothing(index_elements=[Mail.dedupe_key])
    mail = db.session.scalar(statement.returning(Mail))
    return mail if mail is not None else _mail_with_key(values["dedupe_key"])


# Sending ------------------------------------------------------------------------------------


def send_queued(limit=None):
    """Send up to `limit` (MAIL_BATCH_SIZE) due mails; a Counter of outcomes: sent, kept,
    retry, failed.

    Safe with any number of senders at once (threads, processes, hosts): each mail is claimed
    by one sender, and the claim committed, before it is sent. Each outcome is committed as
    soon as the server has accepted the mail, before the next mail is begun. So a sender
    killed mid-batch leaves its sent mail marked sent, and the rest of its claim is released
    after MAIL_CLAIM_TIMEOUT and sent by another sender: each mail goes out once. The one
    window left is a kill between the server's "250 accepted" and that commit (microseconds):
    then that one mail goes out again, with the same Message-ID (at least once, never lost).
    Commits; call it outside a request.
    """
    limit = limit or current_app.config["MAIL_BATCH_SIZE"]
    claim_timeout = timedelta(seconds=current_app.config["MAIL_CLAIM_TIMEOUT"])
    now = utcnow()
    _release_stale(now, claim_timeout)
    token = secrets.token_hex(16)
    mails = _claim(token, now, limit)
    for mail in mails:
        db.session.expunge(mail)  # read once: the commits below need not reload it
    db.session.commit()
    outcomes = Counter()
    if not mails:
        return outcomes
    config = current_app.config
    backend = _smtp if config.get("MAIL_SERVER") else _keep
    # Stop well before the claim could be taken for stale: a slow server must not make
    # another sender send the rest of the batch too.
    deadline = now + claim_timeout / 2
    with backend(config) as deliver:
        for mail in mails:
            if utcnow() > deadline:
                _give_back(token)
                db.session.commit()
                break
            outcome, values = _attempt(deliver, mail, config["MAIL_MAX_ATTEMPTS"])
            if _finish(mail.id, token, values):
                outcomes[outcome] += 1
            db.session.commit()
    return outcomes


def send_all(limit=None):
    """Send every due mail, batch after batch, until none is left; the outcomes added up."""
    total = Counter()
    while batch := send_queued(limit):
        total += batch
    return total


def prune_delivered():
    """Delete sent (and kept) mail older than MAIL_KEEP_DAYS; returns how many. The outbox is
    a queue and a short record for the administrators, not an archive: failed mail stays for
    them to look at, and queued mail is never touched."""
    days = current_app.config["MAIL_KEEP_DAYS"]
    cutoff = utcnow() - timedelta(days=days)
    done = or_(
        (Mail.status == MailStatus.SENT) & (Mail.sent_at < cutoff),
        (Mail.status == MailStatus.KEPT) & (Mail.created_at < cutoff),
    )
    return db.session.execute(delete(Mail).where(done)).rowcount


def can_retry(mail):
    """A failed mail may be tried again, and so may a kept one (once MAIL_SERVER is set)."""
    return mail.status in (MailStatus.FAILED, MailStatus.KEPT)


def retry(mail):
    """Queue a failed or kept mail again, due now, with a fresh count of attempts."""
    if not can_retry(mail):
        raise ValueError(f"mail {mail.id} is {mail.status}, not failed or kept")
    mail.status = MailStatus.QUEUED
    mail.attempts = 0
    mail.next_attempt_at = utcnow()
    mail.claimed_by = mail.claimed_at = None


def retry_delay(attempts):
    """How long to wait after the `attempts`-th failed attempt."""
    return min(RETRY_FIRST * 2 ** (attempts - 1), RETRY_CAP)


def _release_stale(now, claim_timeout):
    """Give back the mail of senders that died holding it (the attempt stays counted)."""
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    db.session.execute(
        update(Mail)
        .where(Mail.status == MailStatus.SENDING, Mail.claimed_at < now - claim_timeout)
        .values(
            status=case((Mail.attempts >= max_attempts, MailStatus.FAILED),
                        else_=MailStatus.QUEUED),
            claimed_by=None,
            next_attempt_at=now,
            last_error="The sender stopped before it recorded the outcome.",
        )
        .execution_options(synchronize_session=False)
    )  # fmt: skip


def _claim(token, now, limit):
    """Mark up to `limit` due mails as this sender's; no other sender can take them.

    PostgreSQL locks the due rows it reads and skips those another sender has locked. SQLite
    runs one writer at a time, so one UPDATE that picks and marks the rows is atomic: a second
    sender's UPDATE runs after the first commits and no longer finds them queued.
    """
    due = (
        select(Mail.id)
        .where(Mail.status == MailStatus.QUEUED, Mail.next_attempt_at <= now)
        .order_by(Mail.next_attempt_at, Mail.id)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        chosen = db.session.scalars(due.with_for_update(skip_locked=True)).all()
        if not chosen:
            return []
    else:
        chosen = due.scalar_subquery()
    claimed = db.session.execute(
        update(Mail)
        .where(Mail.id.in_(chosen), Mail.status == MailStatus.QUEUED)
        .values(status=MailStatus.SENDING, claimed_by=token, claimed_at=now,
                attempts=Mail.attempts + 1)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    if claimed.rowcount == 0:
        return []
    return db.session.scalars(
        select(Mail).where(Mail.claimed_by == token).order_by(Mail.next_attempt_at, Mail.id)
    ).all()


def _give_back(token):
    """Return the claimed mails not tried yet to the queue, their attempt not counted."""
    db.session.execute(
        update(Mail)
        .where(Mail.claimed_by == token, Mail.status == MailStatus.SENDING)
        .values(status=MailStatus.QUEUED, claimed_by=None, attempts=Mail.attempts - 1)
        .execution_options(synchronize_session=False)
    )


def _attempt(deliver, mail, max_attempts):
    """Try one mail: (outcome, the columns that record it)."""
    try:
        outcome = deliver(mail)
    except Exception as error:  # any failure is recorded on the mail, never raised
        if not isinstance(error, smtplib.SMTPException | OSError):
            log.exception("mail %s could not be sent", mail.id)
        values = {"last_error": _describe(error), "claimed_by": None}
        if _refused_for_good(error) or mail.attempts >= max_attempts:
            return "failed", {**values, "status": MailStatus.FAILED}
        next_attempt = utcnow() + retry_delay(mail.attempts)
        return "retry", {**values, "status": MailStatus.QUEUED, "next_attempt_at": next_attempt}
    values = {"status": outcome, "claimed_by": None, "last_error": ""}
    if outcome == MailStatus.SENT:
        values["sent_at"] = utcnow()
    return str(outcome), values


def _finish(mail_id, token, values):
    """Record the outcome, unless the claim was lost (released as stale, taken by another)."""
    done = db.session.execute(
        update(Mail)
        .where(Mail.id == mail_id, Mail.claimed_by == token, Mail.status == MailStatus.SENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount == 0:
        log.warning("mail %s: the claim was lost before its outcome was recorded", mail_id)
    return done.rowcount == 1


def _refused_for_good(error):
    """The server refused this very mail with a permanent (5xx) answer: no retry will help.

    A refused login or sender address is the server's configuration, not the mail's: those
    are retried, so that mail waits while an administrator fixes the settings.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in error.recipients.values())
    return isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500


def _describe(error):
    text = f"{type(error).__name__}: {error}"
    return text[:2000]


# The message --------------------------------------------------------------------------------


def build_message(mail, config=None):
    """The mail as it goes out: multipart/alternative, plain text then HTML, UTF-8."""
    config = config or current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = Address(display_name=mail.to_name, addr_spec=mail.to_address)
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(mail.created_at.replace(tzinfo=UTC))
    message["Message-ID"] = mail.message_id
    # RFC 3834: sent by a program, so that auto-responders do not answer it.
    message["Auto-Submitted"] = "auto-generated"
    for name, value in mail.headers.items():
        message[name] = value
    message.set_content(mail.text_body)
    message.add_alternative(mail.html_body, subtype="html")
    return message


# Backends: each is a context manager giving deliver(mail) → the status the mail ends in.


@contextmanager
def _keep(config):
    """No MAIL_SERVER: the mail stays in the outbox, readable at /admin/mail."""
    yield lambda mail: MailStatus.KEPT


@contextmanager
def _smtp(config):
    """One SMTP connection for the batch, opened at the first mail, reopened after an error.

    When the server cannot be reached, the rest of the batch fails at once with the same
    error, instead of each mail waiting for its own connection to time out.
    """
    connection = unreachable = None

    def deliver(mail):
        nonlocal connection, unreachable
        message = build_message(mail, config)
        if unreachable is not None:
            raise unreachable
        if connection is None:
            try:
                connection = _connect(config)
            except (smtplib.SMTPException, OSError) as error:
                unreachable = error
                raise
        try:
            connection.send_message(message)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError):
            raise  # the server said no to this mail; the connection is still good
        except Exception:
            _close(connection)
            connection = None
            raise
        return MailStatus.SENT

    try:
        yield deliver
    finally:
        if connection is not None:
            _close(connection)


def _connect(config):
    connection = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=SMTP_TIMEOUT)
    try:
        if config["MAIL_USE_TLS"]:
            connection.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            connection.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    except Exception:
        _close(connection)
        raise
    return connection


def _close(connection):
    try:
        connection.quit()
    except (smtplib.SMTPException, OSError):
        connection.close()
