"""Recording how far a member has read, marking a board read, and keeping drafts.

Private state only (forum.models.reading): none of these writes logs a page change, so a
member reading a thread empties no one's page cache. Actions flush but never commit.
"""

from sqlalchemy import case, delete
from sqlalchemy.dialects import postgresql, sqlite

from forum.clock import utcnow
from forum.extensions import db
from forum.models import BoardRead, Draft, ThreadRead


def record_read(member, thread, post_ids):
    """The member has seen these posts of the thread: move their read position forward (never
    back, so that an earlier page read later does not make newer posts unread again)."""
    if not post_ids:
        return
    newest = max(post_ids)
    table = ThreadRead.__table__
    statement = _insert(ThreadRead).values(
        user_id=member.id, thread_id=thread.id, last_read_post_id=newest, read_at=utcnow()
    )
    further = statement.excluded.last_read_post_id > table.c.last_read_post_id
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.user_id, table.c.thread_id],
            set_={
                "last_read_post_id": case(
                    (further, statement.excluded.last_read_post_id),
                    else_=table.c.last_read_post_id,
                ),
                "read_at": statement.excluded.read_at,
            },
        )
    )


def mark_board_read(member, board):
    """Count every thread of the board as read, up to now."""
    table = BoardRead.__table__
    statement = _insert(BoardRead).values(user_id=member.id, board_id=board.id, read_at=utcnow())
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.user_id, table.c.board_id],
            set_={"read_at": statement.excluded.read_at},
        )
    )


# Drafts ------------------------------------------------------------------------------------


def keep_draft(member_id, *, thread_id=None, board_id=None, parent_id=None, title="", kind="",
               body=""):  # fmt: skip
    """Keep a text its member could not send, one draft per form (a reply in a thread, a new
    thread on a board): a newer one replaces it. member_id, not a User: the session that
    sent it may have ended, and only says whose it was."""
    discard_draft(member_id, thread_id=thread_id, board_id=board_id)
    draft = Draft(
        user_id=member_id, thread_id=thread_id, board_id=board_id, parent_id=parent_id,
        title=(title or "")[:200], kind=(kind or "")[:20], body=body or "", saved_at=utcnow(),
    )  # fmt: skip
    db.session.add(draft)
    db.session.flush()
    return draft


def discard_draft(member_id, *, thread_id=None, board_id=None):
    """Forget the kept draft of one form: sent at last, or replaced by a newer one."""
    db.session.execute(
        delete(Draft)
        .where(
            Draft.user_id == member_id,
            _same(Draft.thread_id, thread_id),
            _same(Draft.board_id, board_id),
        )
        .execution_options(synchronize_session=False)
    )


def _same(column, value):
    return column.is_(None) if value is None else column == value


def _insert(model):
    """INSERT with ON CONFLICT, which both databases speak with their own dialect's class."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)
