"""A soak of the production profile: members post and visitors read at once, for a fixed few
seconds, against two app servers, while a Celery worker sends the mail the replies cause.

Afterwards every acknowledged post is in the database, each thread's reply count is its real
number of replies, no request failed with a 5xx, and no mail went out twice. The load stays
on 127.0.0.1 and is bounded in time and in concurrency.
"""

import itertools
import threading
import time
from collections import Counter

import pytest
import requests
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Mail, MailStatus, Post, Thread
from tests.factories import make_person, make_thread
from tests.services import (
    celery_beat,
    celery_worker,
    forum_environment,
    free_port,
    log_in,
    processes,
    services,  # noqa: F401  (the fixture that every test here uses)
    start_servers,
    token,
    wait_for,
)

pytestmark = [pytest.mark.services, pytest.mark.committed, pytest.mark.usefixtures("services")]

SECONDS = 8
WRITERS = 3
READERS = 3
GENEROUS = "10000 per hour"  # the soak measures correctness, not the abuse limits


class Inbox:
    def __init__(self):
        self.message_ids = []

    async def handle_DATA(self, server, session, envelope):
        for line in envelope.content.splitlines():
            if line.lower().startswith(b"message-id:"):
                self.message_ids.append(line.split(b":", 1)[1].strip().decode())
        return "250 Message accepted for delivery"


class Load:
    """What the load generator saw: statuses, and the replies the forum acknowledged."""

    def __init__(self, deadline):
        self.deadline = deadline
        self.statuses = Counter()
        self.acknowledged = []  # (thread id, body)
        self.errors = []  # connection errors and timeouts
        self.lock = threading.Lock()

    def running(self):
        return time.monotonic() < self.deadline

    def note(self, answer):
        with self.lock:
            self.statuses[answer.status_code] += 1

    def write(self, browser, base, thread_ids, name):
        for n in itertools.count():
            if not self.running():
                return
            thread_id = thread_ids[n % len(thread_ids)]
            url = f"{base}/t/{thread_id}/reply"
            body = f"مشاركة الاختبار {name}-{n}"
            try:
                form = browser.get(url, timeout=30)
                self.note(form)
                fields = {"csrf_token": token(form), "parent_id": "", "body": body}
                answer = browser.post(url, data=fields, allow_redirects=False, timeout=30)
                self.note(answer)
            except requests.RequestException as error:
                self.errors.append(repr(error))
                continue
            if answer.status_code == 302:
                with self.lock:
                    self.acknowledged.append((thread_id, body))

    def read(self, bases, paths):
        visitor = requests.Session()
        for n in itertools.count():
            if not self.running():
                return
            try:
                self.note(visitor.get(bases[n % 2] + paths[n % len(paths)], timeout=30))
            except requests.RequestException as error:
                self.errors.append(repr(error))


def test_posting_and_reading_on_two_servers_loses_nothing_and_mails_once(
    app, database_url, tmp_path
):
    with app.app_context():
        author = make_person(name="صاحبة الموضوع")
        writers = [make_person(name=f"كاتب {n}") for n in range(WRITERS)]
        thread_ids = [make_thread(author.id, title=f"موضوع {n}").id for n in range(3)]
    port = free_port()
    settings = {
        "RATELIMIT_POST": GENEROUS, "RATELIMIT_POST_NEW_MEMBER": GENEROUS,
        "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_SEND_INTERVAL": 0.5,
    }  # fmt: skip
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with processes(tmp_path) as started:
            bases = start_servers(started, database_url, **settings)
            environment = forum_environment(database_url, **settings)
            worker = celery_worker(started, "mailer", environment)
            celery_beat(started, environment)
            browsers = [log_in(bases[n % 2], person) for n, person in enumerate(writers)]
            load = Load(time.monotonic() + SECONDS)
            paths = ["/", *(f"/t/{thread_id}" for thread_id in thread_ids)]
            work = [
                threading.Thread(target=load.write, args=(browser, bases[n % 2], thread_ids, n))
                for n, browser in enumerate(browsers)
            ]
            work += [
                threading.Thread(target=load.read, args=(bases, paths)) for _ in range(READERS)
            ]
            for thread in work:
                thread.start()
            for thread in work:
                thread.join(SECONDS + 30)
            wait_for(lambda: _outbox_drained(app), 60, "the outbox drained", alive=[worker])
    finally:
        controller.stop()

    assert load.errors == []
    assert not any(status >= 500 for status in load.statuses), load.statuses
    assert len(load.acknowledged) >= 10, load.statuses  # the soak did write
    with app.app_context():
        stored = set(db.session.execute(select(Post.thread_id, Post.body_source)).all())
        assert set(load.acknowledged) <= stored
        for thread in db.session.scalars(select(Thread).where(Thread.id.in_(thread_ids))):
            replies = db.session.scalar(
                select(func.count()).select_from(Post).where(
                    Post.thread_id == thread.id, Post.id != thread.first_post_id,
                    Post.is_visible_to_all,
                )
            )  # fmt: skip
            assert thread.reply_count == replies
        mails = db.session.scalar(select(func.count()).select_from(Mail))
    sent = Counter(inbox.message_ids)
    assert [n for n in sent.values() if n != 1] == []  # nothing mailed twice
    assert len(sent) == mails > 0


def _outbox_drained(app):
    with app.app_context():
        try:
            waiting = db.session.scalar(
                select(func.count()).select_from(Mail).where(Mail.status != MailStatus.SENT)
            )
        finally:
            db.session.remove()
    return waiting == 0
