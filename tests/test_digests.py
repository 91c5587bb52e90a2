"""Digests: what goes in (only what the reader may read, only what is new), once per period."""

from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from sqlalchemy import delete, event, func, select

from forum import digests, mail, worker
from forum.admin import actions as admin_actions
from forum.clock import utcnow
from forum.extensions import db
from forum.following import actions as following
from forum.models import (
    BoardSubscription,
    DigestRun,
    FollowingSettings,
    Level,
    Mail,
    PageChange,
    TaskForce,
    User,
)
from forum.moderation import actions as moderation
from forum.threads import actions as thread_actions
from tests.factories import board_by_slug, make_person, make_reply, make_thread
from tests.test_mail import free_port, smtp_server

BOARD = "financial-management"
RESTRICTED = "tf-financial-experts"


def follow(user_id, slug=BOARD, level=Level.DAILY):
    following.follow_board(db.session.get(User, user_id), board_by_slug(slug), level)
    db.session.commit()


def run(level=Level.DAILY, now=None):
    """Every reader's digest, as the command with --all builds it, a moment from now."""
    now = now or utcnow() + digests.SETTLING + timedelta(seconds=1)
    return digests.send_digests(level, now, everyone=True)


def settled():
    """A few minutes on: what was just published is past the digests' settling time."""
    return time_machine.travel(utcnow() + digests.SETTLING + timedelta(minutes=1))


def digest_mails(user_id=None):
    query = select(Mail).where(Mail.kind.startswith("digest_")).order_by(Mail.id)
    if user_id is not None:
        query = query.where(Mail.user_id == user_id)
    return db.session.scalars(query).all()


@pytest.fixture
def author(app, authority):
    with app.app_context():
        return make_person(authority_id=authority, name="كاتب")


def test_running_the_command_twice_queues_one_digest(app, runner, member, author):
    with app.app_context():
        follow(member.id)
        make_thread(author.id, title="الموازنة التشاركية")
    with settled():
        first = runner.invoke(args=["forum", "digests", "daily", "--all"])
        second = runner.invoke(args=["forum", "digests", "daily", "--all"])
    assert "1 queued" in first.output, first.output
    assert "0 queued" in second.output and "1 done already" in second.output
    with app.app_context():
        [sent] = digest_mails(member.id)
        assert "الموازنة التشاركية" in sent.text_body
        assert sent.dedupe_key.startswith(f"digest:daily:{member.id}:")
        assert db.session.scalar(select(DigestRun).where(DigestRun.user_id == member.id))


def test_sending_digests_drops_no_cached_page(app, member, author):
    """Digest runs and their mail are private state: they log no page change."""
    with app.app_context():
        follow(member.id)
        make_thread(author.id, title="الموازنة التشاركية")
        changes_before = db.session.scalar(select(func.count()).select_from(PageChange))
        assert run()["queued"] == 1
        assert db.session.scalar(select(func.count()).select_from(PageChange)) == changes_before


def test_a_run_that_stops_half_way_is_finished_by_the_next_without_repeats(
    app, member, other_member, author, monkeypatch
):
    with app.app_context():
        follow(member.id)
        follow(other_member.id)
        make_thread(author.id, title="موضوع جديد")
        real = digests.queue_digest

        def fail_for_the_second(digest, **options):
            if digest.reader.id == other_member.id:
                raise RuntimeError("the process died")
            return real(digest, **options)

        monkeypatch.setattr(digests, "queue_digest", fail_for_the_second)
        now = utcnow() + digests.SETTLING + timedelta(seconds=1)
        with pytest.raises(RuntimeError):
            run(now=now)
        db.session.rollback()
        assert [m.user_id for m in digest_mails()] == [member.id]

        monkeypatch.setattr(digests, "queue_digest", real)
        assert run(now=now + timedelta(seconds=1))["queued"] == 1
        assert sorted(m.user_id for m in digest_mails()) == sorted([member.id, other_member.id])


def test_the_next_digest_holds_only_what_came_after_the_last(app, member, author):
    with app.app_context():
        follow(member.id)
        make_thread(author.id, title="الأول")
        run()
        with time_machine.travel(utcnow() + timedelta(hours=2), tick=False):
            make_thread(author.id, title="الثاني")  # after the first digest
        run(now=utcnow() + timedelta(days=1))
        first, second = digest_mails(member.id)
        assert "الأول" in first.text_body and "الثاني" not in first.text_body
        assert "الثاني" in second.text_body and "الأول" not in second.text_body


def test_nothing_new_sends_no_mail(app, member, author):
    with app.app_context():
        make_thread(author.id, title="قبل المتابعة")  # before the member followed the board
        follow(member.id)
        assert run() == {"empty": 1}
        assert digest_mails() == []


def test_a_member_removed_from_a_task_force_no_longer_gets_its_threads(
    app, task_force_member, moderator, admin
):
    with app.app_context():
        follow(task_force_member.id, RESTRICTED)
        follow(task_force_member.id, BOARD)
        make_thread(moderator.id, RESTRICTED, title="سري للفريق")
        make_thread(moderator.id, BOARD, title="للجميع")
        assert "سري للفريق" in digests.build(
            db.session.get(User, task_force_member.id), Level.DAILY,
            utcnow() + digests.SETTLING + timedelta(seconds=1),
        ).new_threads[-1].title  # fmt: skip

        task_force = db.session.scalar(
            select(TaskForce).where(TaskForce.slug == "financial-experts")
        )
        admin_actions.remove_task_force_member(
            db.session.get(User, admin.id), task_force, db.session.get(User, task_force_member.id)
        )
        db.session.commit()
        run()
        [sent] = digest_mails(task_force_member.id)
        assert "للجميع" in sent.text_body
        assert "سري للفريق" not in sent.text_body + sent.html_body
        assert "tf-financial-experts" not in sent.text_body + sent.html_body


def test_pending_rejected_and_deleted_content_is_never_mailed(app, member, author, moderator):
    with app.app_context():
        follow(member.id)
        mod = db.session.get(User, moderator.id)
        make_thread(author.id, title="ينتظر المراجعة", published=False)
        rejected = make_thread(author.id, title="مرفوض", published=False)
        moderation.reject_thread(mod, rejected, reason="خارج الموضوع")
        deleted = make_thread(author.id, title="محذوف")
        thread_actions.delete_thread(mod, deleted)
        busy = make_thread(author.id, title="نقاش قديم")
        for _ in range(2):
            make_reply(author.id, busy, body="رد ظاهر")
        gone = make_reply(author.id, busy, body="رد محذوف")
        thread_actions.delete_post(mod, gone)
        board_by_slug(BOARD).replies_need_approval = True
        db.session.commit()
        newcomer = make_person(name="عضو جديد")  # no approved posts: their reply waits
        make_reply(newcomer.id, busy, body="رد ينتظر")
        db.session.commit()

        digest = digests.build(db.session.get(User, member.id), Level.DAILY,
                               utcnow() + digests.SETTLING + timedelta(seconds=1))  # fmt: skip
        assert [t.title for t in digest.new_threads] == ["نقاش قديم"]
        assert [(t.title, n) for t, n in digest.busiest] == [("نقاش قديم", 2)]
        run()
        [sent] = digest_mails(member.id)
        for title in ("ينتظر المراجعة", "مرفوض", "محذوف"):
            assert title not in sent.text_body + sent.html_body


def test_suspended_readers_get_no_digest(app, suspended, member, author):
    with app.app_context():
        follow(member.id)
        following.follow_board(db.session.get(User, suspended.id), board_by_slug(BOARD),
                               Level.DAILY)  # fmt: skip
        db.session.commit()
        make_thread(author.id)
        run()
        assert [m.user_id for m in digest_mails()] == [member.id]


def test_a_digest_goes_at_the_readers_hour_and_weekday(app, member):
    settings = FollowingSettings(user_id=1, digest_hour=8, digest_weekday=6,
                                 digest_timezone="Asia/Hebron")  # fmt: skip
    # Sunday 29 November 2026, 06:05 UTC is 08:05 in Hebron (UTC+2 in winter).
    local = digests.local_time(settings, datetime(2026, 11, 29, 6, 5))
    assert (local.hour, local.weekday()) == (8, 6)
    assert digests.is_due(Level.DAILY, settings, local)
    assert digests.is_due(Level.WEEKLY, settings, local)
    monday = digests.local_time(settings, datetime(2026, 11, 30, 6, 5))
    assert digests.is_due(Level.DAILY, settings, monday)
    assert not digests.is_due(Level.WEEKLY, settings, monday)
    assert not digests.is_due(
        Level.DAILY, settings, digests.local_time(settings, datetime(2026, 11, 30, 7))
    )
    assert digests.period_of(Level.DAILY, local) == "2026-11-29"
    assert digests.period_of(Level.WEEKLY, local) == "2026-W48"
    with app.app_context():
        follow(member.id)
        # Not the member's hour: the hourly run passes them by.
        assert digests.send_digests(Level.DAILY, datetime(2026, 11, 30, 9)) == {}


def test_the_preview_page_shows_the_next_digest(app, client, login, member, author):
    with app.app_context():
        follow(member.id, level=Level.WEEKLY)
        make_thread(author.id, title="معاينة الملخص")
    login(member)
    with settled():
        page = client.get("/settings/digest")
    assert page.status_code == 200
    assert "معاينة الملخص" in page.get_data(as_text=True)
    with app.app_context():
        assert digest_mails() == []  # a preview sends nothing and records nothing
        assert db.session.scalar(select(DigestRun)) is None


@pytest.mark.parametrize(
    ("language", "subject", "heading"),
    [("ar", "ملخصك اليومي من تبادل", "مواضيع جديدة"),
     ("en", "Your daily digest from Tabadul", "New threads")],
)  # fmt: skip
def test_a_digest_arrives_in_the_readers_language(app, author, language, subject, heading):
    port = free_port()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
                      BASE_URL="https://tabadul.example.org/forum")  # fmt: skip
    with app.app_context(), smtp_server(port) as inbox:
        reader = make_person(language=language)
        follow(reader.id)
        thread = make_thread(author.id, title="الموازنة التشاركية")
        make_reply(author.id, thread)
        thread_id = thread.id
        run()
        assert mail.send_all()["sent"] == 1
    [message] = inbox.messages
    assert message["Subject"] == subject
    assert message["List-Unsubscribe"].startswith("<https://tabadul.example.org/forum/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = f"https://tabadul.example.org/forum/t/{thread_id}"
    for body in (text, html):
        assert heading in body
        assert "الموازنة التشاركية" in body
        assert link in body
        assert "https://tabadul.example.org/forum/unsubscribe/" in body


def test_a_readers_digest_costs_the_same_statements_however_much_is_new(app, member, author):
    def statements_for_one_run():
        seen = []

        def remember(conn, cursor, statement, parameters, context, executemany):
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", remember)
        try:
            run()
        finally:
            event.remove(db.engine, "before_cursor_execute", remember)
        # The next run builds and queues the digest again.
        db.session.execute(delete(DigestRun))
        db.session.execute(delete(Mail))
        db.session.commit()
        return len(seen)

    with app.app_context():
        follow(member.id)
        follow(member.id, "public-relations")
        make_reply(author.id, make_thread(author.id))
        few = statements_for_one_run()
        for slug in (BOARD, "public-relations"):
            for _ in range(3):
                make_reply(author.id, make_thread(author.id, slug))
        assert statements_for_one_run() == few <= 12


def test_the_worker_runs_the_digests_every_hour(app):
    scheduler = worker.make_scheduler(app)
    [job] = [job for job in scheduler.get_jobs() if job.id == "digests"]
    assert str(job.trigger) == "cron[minute='1']"


def test_one_click_in_the_header_stops_the_whole_digest(app, client, member, author):
    with app.app_context():
        follow(member.id)
        follow(member.id, "public-relations")
        follow(member.id, "sdgs", Level.WEEKLY)
        make_thread(author.id)
        run()
        [sent] = digest_mails(member.id)
        header = sent.headers["List-Unsubscribe"].strip("<>")
    path = urlsplit(header).path
    assert path.startswith("/unsubscribe/"), header
    page = client.get(path)
    assert page.status_code == 200
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    with app.app_context():
        levels = db.session.scalars(
            select(BoardSubscription.level).where(BoardSubscription.user_id == member.id)
        ).all()
        assert levels == ["weekly"]  # the daily digest's boards, and only they, are stopped
