"""Mail is never lost and never doubled: the outbox and its sender against a real SMTP server.

The server is aiosmtpd on 127.0.0.1; what it receives is read back with the email package.
These tests commit for real (the sender commits its claims), also across threads.
"""

import email
import email.policy
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from aiosmtpd.controller import Controller
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from forum import jobs, mail
from forum.clock import utcnow
from forum.extensions import db
from forum.models import AdminLog, Mail, MailStatus, PageChange, SiteState, User
from tests.factories import make_user

UNSUBSCRIBE = {
    "List-Unsubscribe": "<https://tabadul.example.org/forum/unsubscribe/abc123>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
}
REFUSED = "gone@example.org"  # the test server answers 550 to this address


class Inbox:
    """An aiosmtpd handler that keeps every message it is given, and the message parsed.

    Plain lists, no properties: aiosmtpd reads every attribute of its handler on each
    connection.
    """

    def __init__(self):
        self.envelopes = []
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(port):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def smtp(app):
    """A running SMTP server that the app sends to; yields its inbox."""
    port = free_port()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    with smtp_server(port) as inbox:
        yield inbox


@pytest.fixture
def reader(app):
    """An Arabic-speaking member, by id."""
    with app.app_context():
        return make_user(name="سلمى الخطيب", language="ar").id


def queue_for(user_id, **options):
    """Queue the test mail to an account and commit; returns the mail's id."""
    options = {"subject": _l("Test mail from Tabadul"), "template": "test", "context": {},
               **options}  # fmt: skip
    queued = mail.queue(db.session.get(User, user_id), "test", **options)
    db.session.commit()
    return queued.id


def outbox():
    return db.session.scalars(select(Mail).order_by(Mail.id)).all()


def later(minutes):
    return time_machine.travel(utcnow() + timedelta(minutes=minutes))


# What arrives -------------------------------------------------------------------------------


def test_a_mail_arrives_whole_in_arabic(app, smtp, reader):
    app.config.update(BASE_URL="https://tabadul.example.org/forum",
                      MAIL_FROM="تبادل <noreply@tabadul.example.org>")  # fmt: skip
    with app.app_context():
        mail_id = queue_for(reader, subject="ردّ جديد في «الموازنة»", headers=UNSUBSCRIBE)
        assert mail.send_queued() == Counter(sent=1)
        row = db.session.get(Mail, mail_id)
        assert (row.status, row.attempts, row.sent_at is not None) == ("sent", 1, True)

    [envelope] = smtp.envelopes
    [message] = smtp.messages
    assert envelope.rcpt_tos == [row.to_address]
    assert message["Message-ID"] == row.message_id
    assert message["Message-ID"].endswith("@tabadul.example.org>")
    assert message["Date"].datetime is not None
    assert message["From"].addresses[0].display_name == "تبادل"
    assert message["From"].addresses[0].addr_spec == "noreply@tabadul.example.org"
    assert message["To"].addresses[0].display_name == "سلمى الخطيب"
    assert message["Subject"] == "ردّ جديد في «الموازنة»"
    assert message["List-Unsubscribe"] == UNSUBSCRIBE["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text.get_content_charset() == html.get_content_charset() == "utf-8"
    assert "مرحبًا سلمى الخطيب" in text.get_content()
    assert "مرحبًا سلمى الخطيب" in html.get_content()
    assert 'dir="rtl"' in html.get_content()
    assert "direction: rtl; text-align: right" in html.get_content()

    links = re.findall(r'href="([^"]+)"', html.get_content())
    assert links and all(link.startswith("https://tabadul.example.org/forum") for link in links)
    assert "https://tabadul.example.org/forum/" in text.get_content()
    assert 'href="/' not in html.get_content()


def test_each_mail_is_in_its_recipients_language(app):
    with app.app_context():
        arabic = make_user(name="ريم", language="ar")
        english = make_user(name="Yousef", language="en")
        # Queued during a request of someone reading in Arabic: the mail still follows its reader.
        with app.test_request_context(headers={"Accept-Language": "ar"}):
            to_english = mail.queue_test_mail(english)
            to_arabic = mail.queue_test_mail(arabic)
            assert str(get_locale()) == "ar"

    assert to_english.subject == "Test mail from Tabadul"
    assert to_english.language == "en"
    assert "Hello Yousef," in to_english.text_body
    assert 'dir="ltr"' in to_english.html_body
    assert to_arabic.subject == "رسالة تجريبية من تبادل"
    assert "Hello" not in to_arabic.text_body
    assert 'lang="ar" dir="rtl"' in to_arabic.html_body


def test_the_html_part_escapes_what_it_is_given(app):
    with app.app_context():
        user = make_user(name='<b onclick="x">سامي</b>')
        queued = mail.queue_test_mail(user)
    assert "&lt;b onclick=" in queued.html_body
    assert "<b onclick" not in queued.html_body
    assert '<b onclick="x">سامي</b>' in queued.text_body  # plain text is not HTML


@pytest.mark.parametrize(
    "headers",
    [{"Subject": "another"}, {"bcc": "all@example.org"}, {"X-Note": "a\r\nBcc: all@example.org"},
     {"Bad Name": "x"}],
)  # fmt: skip
def test_a_caller_cannot_set_the_outboxs_own_headers_or_inject_lines(app, reader, headers):
    with app.app_context(), pytest.raises(ValueError):
        queue_for(reader, headers=headers)


# Never lost ---------------------------------------------------------------------------------


def test_mail_waits_while_the_smtp_server_is_down_and_goes_out_once(app, reader):
    port = free_port()  # nothing listens here yet
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    with app.app_context():
        mail_id = queue_for(reader)
        assert mail.send_queued() == Counter(retry=1)
        row = db.session.get(Mail, mail_id)
        assert (row.status, row.attempts) == ("queued", 1)
        assert row.next_attempt_at > utcnow() + timedelta(seconds=50)
        assert "Connection" in row.last_error or "refused" in row.last_error.lower()
        assert mail.send_queued() == Counter()  # not due yet

        with smtp_server(port) as inbox:
            assert mail.send_queued() == Counter()
            with later(2):
                assert mail.send_queued() == Counter(sent=1)
            with later(600):
                assert mail.send_queued() == Counter()
            db.session.expire_all()
            assert db.session.get(Mail, mail_id).status == "sent"
        assert len(inbox.envelopes) == 1


def test_an_unreachable_server_is_tried_once_per_batch(app, reader, monkeypatch):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    connect, connections = mail._connect, []
    monkeypatch.setattr(mail, "_connect", lambda config: connections.append(1) or connect(config))
    with app.app_context():
        for _ in range(3):
            queue_for(reader)
        assert mail.send_queued() == Counter(retry=3)
        assert {(row.status, row.attempts) for row in outbox()} == {("queued", 1)}
    assert len(connections) == 1


def test_a_slow_batch_gives_back_what_it_has_not_tried_before_its_claim_goes_stale(
    app, reader, monkeypatch
):
    with app.app_context():
        for _ in range(3):
            queue_for(reader)
        start, ticks = utcnow(), iter(range(1000))
        # Every look at the clock is two minutes later: the claim's time runs out mid-batch.
        monkeypatch.setattr(mail, "utcnow", lambda: start + timedelta(minutes=2 * next(ticks)))
        outcomes = mail.send_queued()
        rows = outbox()
    assert 0 < outcomes["kept"] < 3
    waiting = [row for row in rows if row.status == "queued"]
    assert len(waiting) == 3 - outcomes["kept"]
    assert {(row.attempts, row.claimed_by) for row in waiting} == {(0, None)}


def test_the_wait_between_attempts_grows_and_is_capped():
    waits = [mail.retry_delay(n).total_seconds() / 60 for n in range(1, 10)]
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_out_of_attempts_the_mail_fails_and_an_admin_sees_and_retries_it(
    app, client, login, admin, reader
):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_MAX_ATTEMPTS=3)
    with app.app_context():
        mail_id = queue_for(reader, subject="لن تصل")
        outcomes = Counter()
        for hours in range(3):
            with later(60 * hours):
                outcomes += mail.send_queued()
        assert outcomes == Counter(retry=2, failed=1)
        row = db.session.get(Mail, mail_id)
        assert (row.status, row.attempts) == ("failed", 3)

    login(admin)
    listing = client.get("/admin/mail?status=failed").get_data(as_text=True)
    assert "لن تصل" in listing
    assert 'class="mail-failed"' in listing
    assert "لن تصل" in client.get("/admin/mail").get_data(as_text=True)
    assert "لن تصل" not in client.get("/admin/mail?status=sent").get_data(as_text=True)
    page = client.get(f"/admin/mail/{mail_id}").get_data(as_text=True)
    assert "ConnectionRefusedError" in page

    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(f"/admin/mail/{mail_id}/retry", data={"csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        row = db.session.get(Mail, mail_id)
        assert (row.status, row.attempts) == ("queued", 0)
        entry = db.session.scalar(select(AdminLog).where(AdminLog.action == "mail.retry"))
        assert (entry.actor_id, entry.target_type, entry.target_id) == (admin.id, "mail", mail_id)


def test_an_address_the_server_refuses_for_good_fails_at_once(app, smtp):
    with app.app_context():
        mail.queue_test_mail(mail.Recipient(REFUSED))
        mail.queue_test_mail(mail.Recipient("here@example.org"))
        db.session.commit()
        assert mail.send_queued() == Counter(failed=1, sent=1)
        failed = db.session.scalar(select(Mail).where(Mail.status == "failed"))
        assert (failed.to_address, failed.attempts) == (REFUSED, 1)
        assert "550" in failed.last_error
    assert [envelope.rcpt_tos for envelope in smtp.envelopes] == [["here@example.org"]]


def test_mail_held_by_a_sender_that_died_is_sent_after_the_timeout(app, smtp, reader):
    with app.app_context():
        mail_id = queue_for(reader)
        row = db.session.get(Mail, mail_id)
        row.status, row.claimed_by, row.attempts = MailStatus.SENDING, "a-dead-sender", 1
        row.claimed_at = utcnow() - timedelta(minutes=2)
        db.session.commit()
        assert mail.send_queued() == Counter()  # the sender may still be at work
        with later(app.config["MAIL_CLAIM_TIMEOUT"] / 60):
            assert mail.send_queued() == Counter(sent=1)
        row = db.session.get(Mail, mail_id)
        assert (row.status, row.attempts) == ("sent", 2)
    [message] = smtp.messages
    assert message["Message-ID"] == row.message_id


# Never doubled ------------------------------------------------------------------------------


def test_a_dedupe_key_queues_one_mail(app, reader):
    with app.app_context():
        first = queue_for(reader, dedupe_key="digest:daily:1:2026-12-01")
        second = queue_for(reader, dedupe_key="digest:daily:1:2026-12-01", subject="مرة ثانية")
        other = queue_for(reader, dedupe_key="digest:daily:1:2026-12-02")
        assert first == second != other
        assert len(outbox()) == 2


def test_a_key_queued_between_the_check_and_the_insert_adds_nothing(app, reader, monkeypatch):
    """The race the uniqueness constraint closes: another transaction wins after our look."""
    with app.app_context():
        first = queue_for(reader, dedupe_key="digest:weekly:7")
        look, looks = mail._mail_with_key, []

        def look_too_early(key):
            looks.append(key)
            return None if len(looks) == 1 else look(key)

        monkeypatch.setattr(mail, "_mail_with_key", look_too_early)
        again = mail.queue(db.session.get(User, reader), "test", "x", "test", {},
                           dedupe_key="digest:weekly:7")  # fmt: skip
        assert again.id == first
        db.session.commit()  # the caller's transaction goes on unharmed
        assert len(outbox()) == 1


@pytest.mark.committed  # sessions of their own: threads or a process
def test_two_transactions_queueing_one_key_at_once_add_one_mail(app, reader):
    barrier = threading.Barrier(2)
    ids, errors = [], []

    def queue_in_own_session():
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                ids.append(queue_for(reader, dedupe_key="digest:daily:race"))
                db.session.remove()
        except Exception as error:  # reported below, with the thread's traceback lost
            errors.append(error)

    threads = [threading.Thread(target=queue_in_own_session) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(ids) == 2 and len(set(ids)) == 1
    with app.app_context():
        assert len(outbox()) == 1


@pytest.mark.committed  # sessions of their own: threads or a process
def test_two_senders_racing_over_500_mails_deliver_each_exactly_once(app, smtp, reader):
    with app.app_context():
        user = db.session.get(User, reader)
        for number in range(500):
            mail.queue(user, "test", f"رسالة {number}", "test", {})
        db.session.commit()

    barrier = threading.Barrier(2)
    outcomes, errors = [Counter(), Counter()], []

    def sender(mine):
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                while batch := mail.send_queued(limit=10):
                    mine.update(batch)
                db.session.remove()
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=sender, args=(mine,)) for mine in outcomes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    assert outcomes[0] + outcomes[1] == Counter(sent=500)
    assert outcomes[0]["sent"] and outcomes[1]["sent"], "both senders took part"
    received = [message["Message-ID"] for message in smtp.messages]
    with app.app_context():
        rows = outbox()
        assert {row.status for row in rows} == {"sent"}
        assert {row.attempts for row in rows} == {1}
        assert sorted(received) == sorted(row.message_id for row in rows)
    assert len(received) == len(set(received)) == 500


# Kept when no server is set -----------------------------------------------------------------


def test_without_a_mail_server_mail_is_kept_for_administrators_to_read(
    app, login, admin, member, reader
):
    assert not app.config["MAIL_SERVER"]
    with app.app_context():
        mail_id = queue_for(reader, subject="رسالة محفوظة", headers=UNSUBSCRIBE)
        assert mail.send_queued() == Counter(kept=1)
        assert db.session.get(Mail, mail_id).status == "kept"

    as_admin = login(admin, on=app.test_client())
    listing = as_admin.get("/admin/mail")
    assert listing.status_code == 200
    assert "رسالة محفوظة" in listing.get_data(as_text=True)
    page = as_admin.get(f"/admin/mail/{mail_id}").get_data(as_text=True)
    assert "Message-ID" in page and "List-Unsubscribe" in page
    assert "مرحبًا سلمى الخطيب" in page  # the plain part
    # The HTML part only inside a sandboxed frame, from its own address under its own policy.
    assert re.search(rf'<iframe[^>]* sandbox=""[^>]* src="/admin/mail/{mail_id}/html"', page)
    frame = as_admin.get(f"/admin/mail/{mail_id}/html")
    assert frame.get_data(as_text=True).startswith("<!doctype html>")
    assert "style-src 'unsafe-inline'" in frame.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in frame.headers["Content-Security-Policy"]
    assert "script-src" not in frame.headers["Content-Security-Policy"]  # default-src 'none'
    assert frame.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert '<html lang="ar" dir="rtl">' in page  # the admin page itself
    assert page.count("<html") == 1
    assert f'action="/admin/mail/{mail_id}/retry"' in page

    as_member = login(member, on=app.test_client())
    assert as_member.get("/admin/mail").status_code == 404
    assert as_member.get(f"/admin/mail/{mail_id}").status_code == 404
    assert as_member.get(f"/admin/mail/{mail_id}/html").status_code == 404


def test_the_dashboard_counts_failed_mail(app, client, login, admin, reader):
    with app.app_context():
        row = db.session.get(Mail, queue_for(reader))
        row.status = MailStatus.FAILED
        db.session.commit()
    login(admin)
    page = client.get("/admin/").get_data(as_text=True)
    assert re.search(r'status=failed">[^<]+</a>:\s*<span class="badge badge-warning">1<', page)


# The outbox is private state ----------------------------------------------------------------


def test_queueing_and_sending_mail_leave_the_page_cache_alone(app, reader):
    with app.app_context():

        def cache_state():
            changes = db.session.scalar(select(func.count()).select_from(PageChange))
            return changes, db.session.scalar(select(SiteState.version))

        before = cache_state()
        queue_for(reader, dedupe_key="no-cache")
        queue_for(reader, dedupe_key="no-cache")
        mail.send_queued()
        row = outbox()[0]
        mail.retry(row)
        db.session.commit()
        assert cache_state() == before


# Commands and the worker --------------------------------------------------------------------


def test_mail_commands_queue_a_test_mail_and_send_it(app, runner, smtp):
    result = runner.invoke(args=["forum", "mail", "test", "--to", "Someone@Example.org",
                                 "--language", "en", "--send"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Queued test mail" in result.output
    assert "Sent 1, kept 0, failed 0, to retry later 0." in result.output
    [message] = smtp.messages
    assert message["To"].addresses[0].addr_spec == "Someone@example.org"
    assert message["Subject"] == "Test mail from Tabadul"

    again = runner.invoke(args=["forum", "mail", "send"])
    assert again.exit_code == 0, again.output
    assert "Sent 0, kept 0, failed 0, to retry later 0." in again.output
    bad = runner.invoke(args=["forum", "mail", "test", "--to", "not an address"])
    assert bad.exit_code != 0


def test_the_demo_keeps_a_test_mail_in_each_language(app, runner):
    result = runner.invoke(args=["forum", "demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        # Besides what the demo's replies mail to the threads' watchers.
        assert sorted(row.language for row in outbox() if row.kind == "test") == ["ar", "en"]


@pytest.mark.committed  # sessions of their own: threads or a process
def test_the_worker_sends_mail_and_stops_cleanly_on_sigterm(app, database_url, smtp, reader):
    with app.app_context():
        mail_id = queue_for(reader)
    root = Path(__file__).resolve().parent.parent
    environment = {
        **os.environ,
        "FORUM_DATABASE_URL": database_url,
        "FORUM_SECRET_KEY": "test-secret",
        "FORUM_MAIL_SERVER": "127.0.0.1",
        "FORUM_MAIL_PORT": str(app.config["MAIL_PORT"]),
        "FORUM_MAIL_SEND_INTERVAL": "1",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "forum", "worker"],
        cwd=root, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while not smtp.envelopes and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.1)
        assert len(smtp.envelopes) == 1
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()
    assert worker.returncode == 0, output
    assert "worker started: mail.send" in output
    assert "SIGTERM: stopping" in output and "worker stopped" in output
    with app.app_context():
        assert db.session.get(Mail, mail_id).status == "sent"


def test_delivered_mail_is_pruned_after_the_keeping_days_and_nothing_else(app):
    """Sent and kept mail older than MAIL_KEEP_DAYS goes; failed, queued and recent mail stay."""
    now = utcnow()
    old, recent = now - timedelta(days=91), now - timedelta(days=89)
    cases = {
        "old sent": (MailStatus.SENT, old),
        "recent sent": (MailStatus.SENT, recent),
        "old kept": (MailStatus.KEPT, old),
        "old failed": (MailStatus.FAILED, old),
        "old queued": (MailStatus.QUEUED, old),
    }
    with app.app_context():
        for name, (status, when) in cases.items():
            queued = mail.queue_test_mail(mail.Recipient(f"{name.replace(' ', '-')}@example.org"))
            queued.status, queued.created_at = status, when
            queued.sent_at = when if status == MailStatus.SENT else None
        db.session.commit()
        jobs.prune_mail()
        left = set(db.session.scalars(select(Mail.to_address)))
    assert left == {"recent-sent@example.org", "old-failed@example.org", "old-queued@example.org"}
