"""Starting threads, replying, editing and deleting posts; counters kept right in one place.

Actions take the acting user explicitly, flush but never commit: the caller commits once, so
a thread and its first post are saved together or not at all.
"""

from flask_babel import gettext as _
from sqlalchemy import case, func, insert, select, true, update

from forum import events, markup
from forum.accounts.queries import members_named
from forum.clock import utcnow
from forum.extensions import db
from forum.links import path_for
from forum.models import (
    Board,
    BoardParticipation,
    MonthlyParticipation,
    Post,
    PostRevision,
    Status,
    Thread,
    User,
)
from forum.models.threads import PATH_SEGMENT
from forum.moderation import log as moderation_log
from forum.names import visible
from forum.permissions import can_moderate_board, needs_approval
from forum.reports.sql import month_key
from forum.tags.actions import set_thread_tags


class ThreadError(ValueError):
    """A rule about threads was broken; the message is shown to the person who tried."""


def _visible_title(title):
    """The title without invisible characters (forum.names); the forms have refused one that
    is left empty."""
    title = visible(title)
    if not title:
        raise ThreadError(_("The title must have visible letters."))
    return title


def start_thread(author, board, *, title, kind, body, tags=()):
    """Create a thread with its opening post, published or pending by the board's rules, and
    with the tags its author chose."""
    now = utcnow()
    status = Status.PENDING if needs_approval(author, board) else Status.PUBLISHED
    thread = Thread(
        board=board, author=author, title=_visible_title(title), kind=kind, status=status,
        created_at=now, last_activity_at=now,
    )  # fmt: skip
    db.session.add(thread)
    db.session.flush()
    post = _add_post(author, thread, None, body, status=Status.PUBLISHED, now=now)
    thread.first_post = post
    thread.last_post = post
    if tags:
        set_thread_tags(author, thread, tags)
    if status == Status.PUBLISHED:
        publish_thread(thread)
    return thread


def publish_thread(thread):
    """Make a thread visible to its board's readers and count it everywhere."""
    thread.status = Status.PUBLISHED
    thread.rejection_reason = None
    # Readers see an approved thread as new: it sorts and is digested by when it was published.
    thread.published_at = utcnow()
    _count_approved_post(thread.author)
    refresh_thread(thread)
    refresh_board(thread.board)
    refresh_participation(thread.board, {thread.author_id})
    events.thread_published.send(thread)


def reply(author, thread, *, body, parent=None):
    """Add a reply to the thread, or to one post in it when parent is given."""
    if thread.status != Status.PUBLISHED:
        raise ThreadError(_("This thread does not take replies."))
    if thread.locked and not can_moderate_board(thread.board, author):
        raise ThreadError(_("This thread is locked."))
    if parent is not None and parent.thread_id != thread.id:
        raise ThreadError(_("That post is not in this thread."))
    status = (
        Status.PENDING if needs_approval(author, thread.board, reply=True) else Status.PUBLISHED
    )
    post = _add_post(author, thread, parent, body, status=status, now=utcnow())
    if status == Status.PUBLISHED:
        publish_post(post)
    return post


def publish_post(post):
    post.status = Status.PUBLISHED
    _count_approved_post(post.author)
    refresh_thread(post.thread)
    refresh_board(post.thread.board)
    refresh_participation(post.thread.board, {post.author_id})
    events.post_published.send(post)


def edit_post(editor, post, *, body, title=None):
    """Change a post's text (and its thread's title, for an opening post), keeping the old one."""
    thread = post.thread
    is_opening = thread.first_post_id == post.id
    new_title = _visible_title(title) if (title is not None and is_opening) else None
    if body == post.body_source and (new_title is None or new_title == thread.title):
        return post
    db.session.add(
        PostRevision(
            post=post,
            title=thread.title if is_opening else None,
            body_source=post.body_source,
            author_id=post.author_id if post.edited_at is None else _last_editor_id(post),
            created_at=post.edited_at or post.created_at,
            replaced_by_id=editor.id,
        )
    )
    before = post.body_source
    post.body_source = body
    post.body_html = render_post(body, post)
    post.edited_at = utcnow()
    if new_title:
        thread.title = new_title
    if editor.id != post.author_id:  # only a moderator edits someone else's post
        moderation_log.record(editor, "edit_post", post=post)
    elif is_opening and thread.status == Status.REJECTED:
        resubmit_thread(editor, thread)
    if body != before:
        events.post_edited.send(post, before=before)
    return post


def resubmit_thread(author, thread):
    """A rejected thread its author has edited goes back into the approval queue, logged: the
    moderators decide again, on the new text."""
    thread.status = Status.PENDING
    thread.rejection_reason = None
    moderation_log.record(author, "resubmit_thread", thread=thread)


def delete_post(actor, post, *, reason=""):
    """Soft-delete: the post stays as a placeholder so that replies keep their context.

    Deleting the opening post deletes the whole thread.
    """
    if post.deleted_at is not None:
        return
    thread = post.thread
    if thread.first_post_id == post.id:
        delete_thread(actor, thread, reason=reason)
        return
    post.deleted_at = utcnow()
    if actor.id != post.author_id:
        moderation_log.record(actor, "delete_post", post=post, reason=reason)
    refresh_thread(thread)
    refresh_board(thread.board)
    refresh_participation(thread.board, {post.author_id})


def delete_thread(actor, thread, *, reason=""):
    if thread.status == Status.DELETED:
        return
    thread.status_before_delete = thread.status
    thread.status = Status.DELETED
    if actor.id != thread.author_id:
        moderation_log.record(actor, "delete_thread", thread=thread, reason=reason)
    refresh_board(thread.board)
    refresh_participation(thread.board, authors_in(thread))


def restore_thread(actor, thread, *, reason=""):
    if thread.status != Status.DELETED:
        return
    thread.status = thread.status_before_delete or Status.PUBLISHED
    thread.status_before_delete = None
    moderation_log.record(actor, "restore_thread", thread=thread, reason=reason)
    refresh_board(thread.board)
    refresh_participation(thread.board, authors_in(thread))


def restore_post(actor, post, *, reason=""):
    if post.deleted_at is None:
        return
    post.deleted_at = None
    moderation_log.record(actor, "restore_post", post=post, reason=reason)
    refresh_thread(post.thread)
    refresh_board(post.thread.board)
    refresh_participation(post.thread.board, {post.author_id})


# Counters ---------------------------------------------------------------------------------
#
# Counters are recounted from the rows with the counted row locked first, so that they stay
# right on their own under concurrent writers: a second writer waits for the first to commit,
# then counts its rows too. Locks are always taken thread first, then boards by id, so two
# writers never each wait for the other. (SQLite has no row locks, but it lets one transaction
# write at a time, and a transaction begins with its first write, before these counts.)


def refresh_thread(thread):
    """Recount a thread's replies and last post from the rows, so the numbers cannot drift."""
    db.session.flush()
    lock_row(Thread, thread.id)
    shown = (Post.thread_id == thread.id) & Post.is_visible_to_all
    # The opening post is not a reply, and it may itself be hidden after flags.
    first_id = thread.first_post_id
    replies = shown if first_id is None else shown & (Post.id != first_id)
    count, first_reply_at = db.session.execute(
        select(func.count(), func.min(Post.created_at)).select_from(Post).where(replies)
    ).one()
    thread.reply_count = count if first_id is not None else max(count - 1, 0)
    thread.first_reply_at = first_reply_at if first_id is not None else None
    # The newest time, not the newest post's time: a writer takes its time before it waits for
    # SQLite's write lock, so a later id can carry an earlier time.
    last_id, last_at = db.session.execute(
        select(func.max(Post.id), func.max(Post.created_at)).where(shown)
    ).one()
    if last_id is not None:
        thread.last_post_id = last_id
        thread.last_activity_at = max(last_at, thread.published_at or thread.created_at)


def refresh_board(board):
    """Recount a board's published threads and posts and find its latest activity."""
    db.session.flush()
    lock_row(Board, board.id)
    published = (Thread.board_id == board.id) & (Thread.status == Status.PUBLISHED)
    totals = db.session.execute(
        select(func.count(Thread.id), func.coalesce(func.sum(Thread.reply_count), 0)).where(
            published
        )
    ).one()
    board.thread_count = totals[0]
    board.post_count = totals[0] + int(totals[1])
    latest = db.session.execute(
        select(Thread.id, Thread.last_activity_at)
        .where(published)
        .order_by(Thread.last_activity_at.desc(), Thread.id.desc())
        .limit(1)
    ).first()
    board.last_thread_id = latest.id if latest else None
    board.last_post_at = latest.last_activity_at if latest else None


def refresh_participation(board, author_ids):
    """Recount the given members' published threads and visible replies on the board
    (BoardParticipation), and their visible posts and replies per month there
    (MonthlyParticipation), from the rows. Call it after refresh_board: the board's row lock
    makes a second writer on the board wait, so two writers never both create a member's row.
    """
    author_ids = sorted(set(author_ids))
    if not author_ids:
        return
    db.session.flush()
    on_board = Thread.board_id == board.id
    counts = {author_id: [0, 0] for author_id in author_ids}
    for index, statement in enumerate(_participation_counts(on_board)):
        author = statement.selected_columns[0]
        for author_id, _board_id, count in db.session.execute(
            statement.where(author.in_(author_ids))
        ):
            counts[author_id][index] = count
    rows = {
        row.user_id: row
        for row in db.session.scalars(
            select(BoardParticipation).where(
                BoardParticipation.board_id == board.id,
                BoardParticipation.user_id.in_(author_ids),
            )
        )
    }
    for author_id, (threads, replies) in counts.items():
        row = rows.get(author_id)
        if row is None:
            if threads or replies:
                db.session.add(
                    BoardParticipation(
                        user_id=author_id, board_id=board.id, threads=threads, replies=replies
                    )
                )
        elif threads or replies:
            row.threads, row.replies = threads, replies
        else:
            db.session.delete(row)
    _refresh_months(board, author_ids)


def _refresh_months(board, author_ids):
    """The members' MonthlyParticipation rows on the board made equal to their posts: a
    member has a few dozen months on a board, so all of them are recounted."""
    statement = _monthly_counts(Thread.board_id == board.id)
    counted = {
        (author_id, int(month)): (posts, int(replies))
        for author_id, _board_id, month, posts, replies in db.session.execute(
            statement.where(Post.author_id.in_(author_ids))
        )
    }
    kept = db.session.scalars(
        select(MonthlyParticipation).where(
            MonthlyParticipation.board_id == board.id,
            MonthlyParticipation.user_id.in_(author_ids),
        )
    )
    for row in kept:
        figures = counted.pop((row.user_id, row.month), None)
        if figures is None:
            db.session.delete(row)
        elif (row.posts, row.replies) != figures:
            row.posts, row.replies = figures
    db.session.add_all(
        MonthlyParticipation(month=month, board_id=board.id, user_id=user_id, posts=posts,
                             replies=replies)
        for (user_id, month), (posts, replies) in counted.items()
    )  # fmt: skip


def recount_participation():
    """Rebuild every BoardParticipation and MonthlyParticipation row, and every thread's
    first reply time, from the threads and posts (after an import, or to check the kept
    figures: `flask forum recount`); returns the number of rows kept per member and board."""
    db.session.execute(BoardParticipation.__table__.delete())
    db.session.execute(MonthlyParticipation.__table__.delete())
    counts = {}
    for index, statement in enumerate(_participation_counts(true())):
        for author_id, board_id, count in db.session.execute(statement):
            counts.setdefault((author_id, board_id), [0, 0])[index] = count
    db.session.add_all(
        BoardParticipation(user_id=user_id, board_id=board_id, threads=threads, replies=replies)
        for (user_id, board_id), (threads, replies) in counts.items()
    )
    db.session.execute(
        insert(MonthlyParticipation).from_select(
            ["user_id", "board_id", "month", "posts", "replies"], _monthly_counts(true())
        )
    )
    first_reply = (
        select(func.min(Post.created_at))
        .where(Post.thread_id == Thread.id, Post.is_visible_to_all, Post.id != Thread.first_post_id)
        .scalar_subquery()
    )
    db.session.execute(
        update(Thread).values(first_reply_at=first_reply),
        execution_options={"synchronize_session": False},
    )
    db.session.flush()
    return len(counts)


def _participation_counts(where):
    """Two statements of (author id, board id, count): published threads, then visible replies
    (not opening posts), as the policy's visible_threads and visible_posts count them."""
    threads = (
        select(Thread.author_id, Thread.board_id, func.count(Thread.id))
        .where(where, Thread.status == Status.PUBLISHED)
        .group_by(Thread.author_id, Thread.board_id)
    )
    replies = (
        select(Post.author_id, Thread.board_id, func.count(Post.id))
        .join(Thread, Post.thread_id == Thread.id)
        .where(
            where,
            Thread.status == Status.PUBLISHED,
            Post.is_visible_to_all,
            Post.id != Thread.first_post_id,
        )
        .group_by(Post.author_id, Thread.board_id)
    )
    return threads, replies


def _monthly_counts(where):
    """(author id, board id, month yyyymm, visible posts, of them replies) of published
    threads: what MonthlyParticipation keeps."""
    month = month_key(Post.created_at)
    is_reply = case((Post.id != Thread.first_post_id, 1), else_=0)
    return (
        select(Post.author_id, Thread.board_id, month, func.count(Post.id), func.sum(is_reply))
        .join(Thread, Post.thread_id == Thread.id)
        .where(where, Thread.status == Status.PUBLISHED, Post.is_visible_to_all)
        .group_by(Post.author_id, Thread.board_id, month)
    )


def authors_in(thread):
    """Everyone who wrote a post in the thread (whose figures its status or board changes)."""
    db.session.flush()
    return set(db.session.scalars(select(Post.author_id).where(Post.thread_id == thread.id)))


def lock_row(model, row_id):
    """Hold the row until the transaction ends, where the database has row locks.

    FOR NO KEY UPDATE, not FOR UPDATE: a writer that has just added a row pointing here (a
    reply to the thread, a flag on the post) already holds the weaker lock its foreign key
    takes, and two such writers asking for FOR UPDATE would wait for each other for ever.
    """
    db.session.execute(select(model.id).where(model.id == row_id).with_for_update(key_share=True))


# Rendering --------------------------------------------------------------------------------


def render_post(body, post=None):
    """A post's HTML, its mentions of members linked to their profiles and its references to
    its own files placed (forum.markup)."""
    people = members_named(markup.mentioned_names(body))
    links = {key: path_for("accounts.profile", user_id=user.id) for key, user in people.items()}
    files = None
    if post is not None and post.id is not None and "attachment:" in body:
        from forum.attachments.queries import markup_refs  # attachments build on threads

        files = markup_refs(post.id)
    return markup.render(body, mentions=links, attachments=files)


# Internals --------------------------------------------------------------------------------


def _add_post(author, thread, parent, body, *, status, now):
    post = Post(
        thread=thread, author=author, parent=parent, body_source=body,
        body_html=render_post(body), status=status, created_at=now,
    )  # fmt: skip
    db.session.add(post)
    db.session.flush()  # the id is part of the path
    segment = str(post.id).zfill(PATH_SEGMENT)
    post.path = f"{parent.path}.{segment}" if parent is not None else segment
    post.depth = parent.depth + 1 if parent is not None else 0
    events.post_created.send(post)
    return post


def _count_approved_post(user):
    # Added in the database, not in Python: two approvals at once must both count.
    user.approved_post_count = User.approved_post_count + 1


def _last_editor_id(post):
    last = db.session.scalar(
        select(PostRevision.replaced_by_id)
        .where(PostRevision.post_id == post.id)
        .order_by(PostRevision.id.desc())
        .limit(1)
    )
    return last or post.author_id
