"""The production profile's jobs, for real: two Celery workers and one beat (forum.celery_app)
against one PostgreSQL, one Redis broker and a real SMTP server.

Every mail goes out exactly once, even when a worker is killed (SIGKILL) in the middle of a
batch; the digest schedule fires through beat and gives each reader one digest.
"""

import asyncio
import os
import signal
import time
from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from forum import mail
from forum.clock import utcnow
from forum.extensions import db
from forum.following import actions as following
from forum.models import DigestRun, FollowingSettings, Level, Mail, MailStatus, User
from tests.factories import board_by_slug, make_person, make_thread
from tests.services import (
    celery_beat,
    celery_worker,
    forum_environment,
    free_port,
    processes,
    services,  # noqa: F401  (the fixture that every test here uses)
    wait_for,
)

pytestmark = [pytest.mark.services, pytest.mark.committed, pytest.mark.usefixtures("services")]

SENDERS = ("worker-a", "worker-b")
KILL_AT = 4  # the victim dies as it begins its 4th mail, its first three sent


class KillingInbox:
    """An SMTP server's handler that keeps every message, and SIGKILLs the first sender (told
    apart by its MAIL FROM) that begins its KILL_AT-th mail, before answering it.

    By then the sender has committed its earlier mails as sent (forum.mail commits each one
    before beginning the next), and holds the rest of its batch, claimed and unsent.
    """

    def __init__(self, pids):
        self.pids = pids  # sender address → pid
        self.begun = Counter()
        self.delivered = []  # (sender address, Message-ID)
        self.killed = None

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.begun[address] += 1
        if self.killed is None and self.begun[address] == KILL_AT:
            self.killed = address
            os.kill(self.pids[address], signal.SIGKILL)
            await asyncio.sleep(1)  # the connection dies with it; this answer is never read
            return "421 4.3.0 Gone"
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message_id = next(
            line.split(b":", 1)[1].strip().decode()
            for line in envelope.content.splitlines()
            if line.lower().startswith(b"message-id:")
        )
        await asyncio.sleep(0.02)  # a server's own time: the batches overlap
        self.delivered.append((envelope.mail_from, message_id))
        return "250 Message accepted for delivery"


def address_of(sender):
    return f"{sender}@tabadul.example.org"


def test_two_workers_send_every_mail_once_though_one_is_killed_mid_batch(
    app, database_url, tmp_path
):
    with app.app_context():
        for n in range(40):
            mail.queue_test_mail(mail.Recipient(f"reader{n}@example.org"))
        db.session.commit()
        queued = set(db.session.scalars(select(Mail.message_id)))
    assert len(queued) == 40
    port = free_port()
    settings = {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": port,
        "MAIL_SEND_INTERVAL": 0.5,
        "MAIL_BATCH_SIZE": 5,
        # The victim's unsent claim comes back after 3 s (production: 10 minutes).
        "MAIL_CLAIM_TIMEOUT": 3,
    }
    pids = {}
    inbox = KillingInbox(pids)
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with processes(tmp_path) as started:
            workers = []
            for sender in SENDERS:
                environment = forum_environment(
                    database_url, **settings, MAIL_FROM=f"Tabadul <{address_of(sender)}>"
                )
                worker = celery_worker(started, sender, environment)
                pids[address_of(sender)] = worker.pid
                workers.append(worker)
            beat = celery_beat(started, forum_environment(database_url, **settings))
            wait_for(lambda: len(inbox.delivered) >= 40 and _all_sent(app), 60,
                     "every mail sent", alive=[beat])  # fmt: skip
            victim = next(w for w in workers if pids[inbox.killed] == w.pid)
            assert victim.poll() == -signal.SIGKILL
    finally:
        controller.stop()

    delivered = Counter(message_id for _sender, message_id in inbox.delivered)
    assert set(delivered) == queued
    assert [n for n in delivered.values() if n != 1] == []  # none twice
    by_sender = Counter(sender for sender, _message_id in inbox.delivered)
    assert by_sender[inbox.killed] == KILL_AT - 1  # sent before it died, and marked so
    assert sum(by_sender.values()) - by_sender[inbox.killed] == 40 - (KILL_AT - 1)
    with app.app_context():
        attempts = Counter(db.session.scalars(select(Mail.attempts)))
        # The mails in the victim's hand when it died were claimed twice: once by each.
        assert attempts[2] >= 1 and set(attempts) <= {1, 2}


def _all_sent(app):
    with app.app_context():
        try:
            statuses = set(db.session.scalars(select(Mail.status).distinct()))
        finally:
            db.session.remove()
    return statuses == {MailStatus.SENT}


def test_beat_fires_the_digests_and_each_reader_gets_one(app, database_url, tmp_path):
    now = utcnow()
    if (now + timedelta(minutes=1)).hour != now.hour:  # the readers' hour must last the test
        time.sleep(61 - now.second)
        now = utcnow()
    with app.app_context():
        author = make_person(name="كاتب")
        readers = [make_person(name=f"قارئ {n}") for n in range(3)]
        with time_machine.travel(now - timedelta(hours=1)):
            for reader in readers:
                user = db.session.get(User, reader.id)
                following.follow_board(user, board_by_slug("financial-management"), Level.DAILY)
                # Due now: their digest hour is this hour, in UTC.
                db.session.add(FollowingSettings(user_id=reader.id, digest_hour=now.hour,
                                                 digest_timezone="UTC"))  # fmt: skip
            db.session.commit()
        with time_machine.travel(now - timedelta(minutes=10)):
            make_thread(author.id, title="الموازنة التشاركية")
    settings = {"DIGEST_INTERVAL": 0.5, "MAIL_SEND_INTERVAL": 3600}
    with processes(tmp_path) as started:
        workers = [celery_worker(started, name, forum_environment(database_url, **settings))
                   for name in SENDERS]  # fmt: skip
        beat = celery_beat(started, forum_environment(database_url, **settings))
        wait_for(lambda: _digest_count(app) >= 3, 60, "three digests", alive=[beat, *workers])
        # Beat keeps firing: later runs find every reader done for today and queue nothing.
        wait_for(lambda: sum(started.output(w).count("digests daily: done 3") for w in workers)
                 >= 3, 30, "three more runs", alive=[beat, *workers])  # fmt: skip
    with app.app_context():
        digests = db.session.scalars(select(Mail).where(Mail.kind == "digest_daily")).all()
        assert sorted(m.user_id for m in digests) == sorted(r.id for r in readers)
        assert all("الموازنة التشاركية" in m.text_body for m in digests)
        runs = db.session.scalar(select(func.count()).select_from(DigestRun))
        assert runs == 3


def _digest_count(app):
    with app.app_context():
        try:
            return db.session.scalar(
                select(func.count()).select_from(Mail).where(Mail.kind == "digest_daily")
            )
        finally:
            db.session.remove()
