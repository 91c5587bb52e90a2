"""Counters stay right on their own when writers run at once, on SQLite and on PostgreSQL.

Each writer is a thread with its own session and connection, started together at a barrier,
committing after every write as a request does.
"""

import threading

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Post, Thread, User
from forum.moderation import actions as moderation
from forum.threads import actions
from tests import factories

# The writers' sessions need each other's commits (tests/conftest.py).
pytestmark = pytest.mark.committed

BOARD = "financial-management"
WRITERS = 6
REPLIES_EACH = 8


def run_together(app, work, arguments):
    """Run work(argument) in one thread per argument, all starting at once; re-raise errors."""
    barrier = threading.Barrier(len(arguments))
    errors = []

    def run(argument):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                work(argument)
            except Exception as error:  # noqa: BLE001  (reported below, in the test's thread)
                errors.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []


def shown_posts(*where):
    return db.session.scalar(
        select(func.count())
        .select_from(Post)
        .join(Thread, Post.thread_id == Thread.id)
        .where(
            Post.status == "published",
            Post.deleted_at.is_(None),
            Post.hidden_at.is_(None),
            Thread.status == "published",
            *where,
        )
    )


def test_parallel_replies_keep_every_counter_right(app, member):
    with app.app_context():
        writers = [factories.make_user().id for _ in range(WRITERS)]
        thread_ids = [
            factories.make_thread(member.id, BOARD, title=f"موضوع {n}").id for n in (1, 2)
        ]

    def write(writer_id):
        for number in range(REPLIES_EACH):
            # Half the replies are the shared member's: their approved-post count races too.
            author_id = member.id if number % 2 else writer_id
            thread = db.session.get(Thread, thread_ids[number % 2])
            actions.reply(db.session.get(User, author_id), thread, body=f"رد {number}")
            db.session.commit()

    run_together(app, write, writers)

    with app.app_context():
        replies = WRITERS * REPLIES_EACH
        for thread_id in thread_ids:
            thread = db.session.get(Thread, thread_id)
            assert thread.reply_count == replies // 2
            last_id, last_at = db.session.execute(
                select(func.max(Post.id), func.max(Post.created_at)).where(
                    Post.thread_id == thread_id
                )
            ).one()
            assert (thread.last_post_id, thread.last_activity_at) == (last_id, last_at)
        board = factories.board_by_slug(BOARD)
        assert board.thread_count == 2
        assert board.post_count == 2 + replies == shown_posts(Thread.board_id == board.id)
        # The board's latest thread is the one with the newest post by time. Ids and times can
        # disagree by a few microseconds between writers (forum.threads.actions.refresh_thread).
        assert board.last_thread_id == db.session.scalar(
            select(Post.thread_id).order_by(Post.created_at.desc(), Post.id.desc()).limit(1)
        )
        shared = db.session.get(User, member.id)
        assert shared.approved_post_count == shown_posts(Post.author_id == member.id)
        assert shared.approved_post_count == 2 + replies // 2


def test_parallel_approvals_and_moves_keep_both_boards_right(app, member, admin):
    with app.app_context():
        pending = [
            factories.make_thread(member.id, BOARD, title=f"ينتظر {n}", published=False).id
            for n in range(WRITERS)
        ]
        moving = [factories.make_thread(member.id, BOARD, title=f"ينتقل {n}").id for n in range(3)]

    def decide(thread_id):
        moderator = db.session.get(User, admin.id)
        thread = db.session.get(Thread, thread_id)
        if thread_id in moving:
            moderation.move_thread(moderator, thread, factories.board_by_slug("public-relations"))
        else:
            moderation.approve_thread(moderator, thread)
        db.session.commit()

    run_together(app, decide, pending + moving)

    with app.app_context():
        for slug in (BOARD, "public-relations"):
            board = factories.board_by_slug(slug)
            threads = db.session.scalar(
                select(func.count()).where(
                    Thread.board_id == board.id, Thread.status == "published"
                )
            )
            assert board.thread_count == threads
            assert board.post_count == shown_posts(Thread.board_id == board.id)
        assert factories.board_by_slug(BOARD).thread_count == WRITERS
        assert db.session.get(User, member.id).approved_post_count == WRITERS + 3


def test_flags_sent_at_once_still_reach_the_threshold(app, member):
    with app.app_context():
        flaggers = [factories.make_user().id for _ in range(3)]
        factories.board_by_slug(BOARD).flag_threshold = 3
        db.session.commit()
        post_id = factories.make_thread(member.id, BOARD).first_post_id

    def flag(flagger_id):
        post = db.session.get(Post, post_id)
        moderation.flag_post(db.session.get(User, flagger_id), post, reason="spam")
        db.session.commit()

    run_together(app, flag, flaggers)

    with app.app_context():
        assert db.session.get(Post, post_id).hidden_at is not None
