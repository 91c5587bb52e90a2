"""The JSON API, version 1: the forum's reads and writes for scripts and other systems.

Every view asks the policy and calls the same queries and actions as the web pages (never a
second path): the caller is the token's owner (forum.api.tokens), or a visitor without one.
Content the caller may not read answers 404, as on the web.
"""

from datetime import datetime

from flask_babel import gettext as _
from flask_login import current_user

from forum import limits, notifications, permissions, search
from forum.accounts import queries as accounts
from forum.api import answers, openapi, pagination, schemas, uploads
from forum.api.errors import ApiError
from forum.api.operations import operation, page_of
from forum.attachments import actions as attachments
from forum.attachments import queries as attachment_queries
from forum.authorities import queries as authorities
from forum.boards import queries as boards
from forum.extensions import db
from forum.i18n import mark
from forum.moderation import actions as moderation
from forum.notifications import queries as notification_queries
from forum.outcomes import actions as outcomes
from forum.outcomes import queries as outcome_queries
from forum.tags import queries as tags
from forum.threads import actions as threads
from forum.threads import queries as thread_queries

FORBIDDEN, CONFLICT, INVALID = 403, 409, 422
WRITE_ERRORS = (400, 401, 403, 404, 413, 422, 429)

# Reads --------------------------------------------------------------------------------------


@operation(
    "GET", "/boards", response=schemas.BoardList, summary=mark("The boards the caller may read")
)
def list_boards():
    listed = boards.list_boards(current_user)
    return schemas.BoardList(boards=[answers.board(b) for b in listed])


@operation(
    "GET",
    "/boards/<slug>/threads",
    response=schemas.ThreadList,
    query=schemas.ThreadListQuery,
    errors=(400, 404, 422),
    summary=mark("A board's published threads: pinned first, then by last activity"),
)
def list_threads(slug, query):
    board = _readable_board(slug)
    after = None
    if query.cursor:
        after = tuple(pagination.decode(query.cursor, bool, datetime, int))
    state = query.state if query.kind == "question" else None
    listing = boards.list_threads(board, current_user, kind=query.kind, state=state,
                                  limit=query.limit + 1, after=after)  # fmt: skip
    shown, next_page = page_of(listing.threads, query.limit,
                               lambda t: (t.pinned, t.last_activity_at, t.id))  # fmt: skip
    threads_out = [answers.thread(t) for t in shown]
    return schemas.ThreadList(threads=threads_out, next=next_page)


@operation(
    "GET",
    "/threads/<int:thread_id>",
    response=schemas.ThreadWithPosts,
    query=schemas.PageQuery,
    errors=(400, 404, 422),
    summary=mark("A thread and its posts in thread order (depth first), a page at a time"),
)
def show_thread(thread_id, query):
    thread = _readable_thread(thread_id)
    after_id = pagination.decode(query.cursor, int)[0] if query.cursor else None
    posts = thread_queries.posts_after(thread, current_user, after_id=after_id,
                                       limit=query.limit + 1)  # fmt: skip
    shown, next_page = page_of(posts, query.limit, lambda p: (p.id,))
    may = permissions.for_posts(thread, shown, current_user)
    files = attachment_queries.attachments_of_posts([p.id for p in shown])
    body = schemas.ThreadWithPosts(
        thread=answers.thread(thread),
        tags=[tag.slug for tag in tags.tags_of_thread(thread)],
        posts=[
            answers.post(p, may[p.id], author_name=p.author_name, files=files.get(p.id, ()))
            for p in shown
        ],  # fmt: skip
        next=next_page,
    )
    return body


@operation(
    "GET",
    "/posts/<int:post_id>",
    response=schemas.PostWithThread,
    errors=(404,),
    summary=mark("One post, with its thread"),
)
def show_post(post_id):
    post = _readable_post(post_id)
    body = schemas.PostWithThread(
        post=_post_answer(post),
        thread=answers.thread(post.thread),
    )  # fmt: skip
    return body


@operation(
    "GET",
    "/members/<int:user_id>",
    response=schemas.MemberOut,
    errors=(404,),
    summary=mark("A member's public profile and latest posts the caller may read"),
)
def show_member(user_id):
    user = accounts.get_user(user_id)
    permissions.require(permissions.can_view_profile(user))
    recent = accounts.recent_posts(user, current_user, limit=10)
    return answers.member(user, recent)


@operation(
    "GET",
    "/authorities",
    response=schemas.AuthorityList,
    summary=mark("Local authorities with their figures, counted over what the caller reads"),
)
def list_authorities():
    groups = authorities.authorities_by_governorate(current_user)
    listed = [answers.authority(row, figures) for group in groups
              for row, figures in group.authorities]  # fmt: skip
    return schemas.AuthorityList(authorities=listed)


@operation(
    "GET",
    "/tags",
    response=schemas.TagList,
    summary=mark("Every tag, with the number of its threads the caller may read"),
)
def list_tags():
    counted = tags.tags_with_counts(current_user)
    return schemas.TagList(tags=[answers.tag(tag, count) for tag, count in counted])


@operation(
    "GET",
    "/search",
    response=schemas.SearchResults,
    query=schemas.SearchQuery,
    errors=(400, 422, 429),
    limited=(limits.search_limits,),
    summary=mark("Posts matching the words of q, among those the caller may read"),
)
def search_posts(query):
    try:
        parsed = search.parse(query.q)
    except search.EmptyQuery:
        raise ApiError(INVALID, fields={"q": [_type_a_word()]}) from None
    start = pagination.decode(query.cursor, int)[0] if query.cursor else 0
    results = search.find(current_user, parsed, search.Filters(), query.order)
    ids = results.ranked[start : start + query.limit]
    # A search's ranking is computed per request: its cursor is a position in it.
    more = start + query.limit < len(results.ranked)
    next_page = pagination.next_url(pagination.encode(start + query.limit) if more else None)
    found = [answers.hit(hit) for hit in search.hits(ids, parsed)]
    return schemas.SearchResults(hits=found, more=results.more, next=next_page)


@operation(
    "GET",
    "/notifications",
    response=schemas.NotificationList,
    query=schemas.PageQuery,
    signed_in=True,
    errors=(400, 401, 403, 422),
    summary=mark("The caller's notifications, newest first (reading them marks nothing)"),
)
def list_notifications(query):
    before = None
    if query.cursor:
        before = tuple(pagination.decode(query.cursor, datetime, int))
    rows = notification_queries.list_notifications(current_user, limit=query.limit + 1,
                                                   before=before)  # fmt: skip
    shown, next_page = page_of(rows, query.limit, lambda n: (n.created_at, n.id))
    unread = notification_queries.count_unread(current_user)
    items = [answers.notification(notifications.show(row), row.kind) for row in shown]
    return schemas.NotificationList(notifications=items, unread=unread, next=next_page)


@operation(
    "GET",
    "/openapi.json",
    response=schemas.OpenApiDocument,
    scope=None,
    summary=mark("This API's OpenAPI 3.1 document"),
)
def openapi_document():
    return schemas.OpenApiDocument.model_validate(openapi.document())


# Writes: the web forms' actions, committed once here ---------------------------------------


@operation(
    "POST",
    "/boards/<slug>/threads",
    response=schemas.ThreadOut,
    status=201,
    body=schemas.ThreadIn,
    scope="write",
    errors=WRITE_ERRORS,
    limited=(limits.api_post,),
    summary=mark("Start a thread; it waits for approval where the board's rules say so"),
)
def start_thread(slug, body):
    board = _readable_board(slug)
    permissions.require(permissions.can_start_thread(board), hide=False)
    chosen = {tag.slug: tag for tag in tags.all_tags()}
    unknown = [slug for slug in body.tags if slug not in chosen]
    if unknown:
        raise ApiError(INVALID, fields={"tags": [_unknown_tags(unknown)]})
    staged = uploads.staged(body.attachments)
    thread = _acting(threads.ThreadError, threads.start_thread, current_user, board,
                     title=body.title, kind=body.kind, body=body.body,
                     tags=[chosen[slug] for slug in dict.fromkeys(body.tags)])  # fmt: skip
    attachments.attach(current_user, thread.first_post, staged)
    db.session.commit()
    return answers.thread(thread)


@operation(
    "POST",
    "/threads/<int:thread_id>/posts",
    response=schemas.PostOut,
    status=201,
    body=schemas.ReplyIn,
    scope="write",
    errors=(*WRITE_ERRORS, 409),
    limited=(limits.api_post,),
    summary=mark("Reply to the thread, or to one of its posts (parent_id)"),
)
def reply(thread_id, body):
    thread = _readable_thread(thread_id)
    parent = None
    if body.parent_id is not None:
        parent = thread_queries.get_post(body.parent_id)
        if parent is None or parent.thread_id != thread.id or not permissions.can_read_post(parent):
            raise ApiError(INVALID, fields={"parent_id": [_no_such_post()]})
    if not permissions.can_reply(thread):
        if thread.locked and permissions.can_read_thread(thread):
            raise ApiError(CONFLICT, message=_locked())
        raise ApiError(FORBIDDEN)
    staged = uploads.staged(body.attachments)
    post = _acting(threads.ThreadError, threads.reply, current_user, thread, body=body.body,
                   parent=parent)  # fmt: skip
    attachments.attach(current_user, post, staged)
    db.session.commit()
    return _post_answer(post)


@operation(
    "PATCH",
    "/posts/<int:post_id>",
    response=schemas.PostOut,
    body=schemas.PostEdit,
    scope="write",
    errors=WRITE_ERRORS,
    summary=mark("Edit one's own post (and, for an opening post, its thread's title)"),
)
def edit_post(post_id, body):
    post = _readable_post(post_id)
    permissions.require(permissions.can_read_post(post))
    permissions.require(permissions.can_edit_post(post), hide=False)
    is_opening = post.thread.first_post_id == post.id
    removed = uploads.removing(post, body.remove_attachments)
    staged = uploads.staged(body.attachments, post, {file.id for file in removed})
    # As the web's edit: the files change first, then the text (rendered with the files kept).
    for file in removed:
        attachments.remove(current_user, file)
    attachments.attach(current_user, post, staged)
    _acting(threads.ThreadError, threads.edit_post, current_user, post, body=body.body,
            title=body.title if is_opening else None)  # fmt: skip
    db.session.commit()
    return _post_answer(post)


@operation(
    "POST",
    "/posts/<int:post_id>/flags",
    response=schemas.Done,
    status=201,
    body=schemas.FlagIn,
    scope="write",
    errors=(*WRITE_ERRORS, 409),
    limited=(limits.api_flag,),
    summary=mark("Flag a post for the moderators"),
)
def flag_post(post_id, body):
    post = _readable_post(post_id)
    permissions.require(permissions.can_read_post(post))
    permissions.require(permissions.can_flag_post(post), hide=False)
    _acting(moderation.ModerationError, moderation.flag_post, current_user, post,
            reason=body.reason, text=body.text)  # fmt: skip
    db.session.commit()
    return schemas.Done(done=True)


@operation(
    "POST",
    "/notifications/read",
    response=schemas.Done,
    body=schemas.NotificationsRead,
    scope="write",
    errors=(400, 401, 403, 422, 429),
    summary=mark("Mark the caller's notifications read: the ones given, or all"),
)
def mark_notifications_read(body):
    if body.ids is None:
        notifications.mark_all_read(current_user)
    else:
        notifications.mark_seen(current_user, body.ids)  # another member's ids change nothing
    db.session.commit()
    return schemas.Done(done=True)


# Outcomes of threads (forum.outcomes) --------------------------------------------------------


@operation(
    "POST",
    "/posts/<int:post_id>/accept",
    response=schemas.OutcomeOut,
    scope="write",
    errors=(*WRITE_ERRORS, 409),
    summary=mark("Mark a reply as its question's accepted answer"),
)
def accept_answer(post_id):
    post = _readable_post(post_id)
    permissions.require(permissions.can_read_post(post))
    permissions.require(permissions.can_accept_answer(post.thread), hide=False)
    outcome = _acting(outcomes.OutcomeError, outcomes.accept_answer, current_user, post)
    db.session.commit()
    return answers.outcome(post.thread, outcome)


@operation(
    "DELETE",
    "/threads/<int:thread_id>/answer",
    response=schemas.OutcomeOut,
    scope="write",
    errors=WRITE_ERRORS,
    summary=mark("Leave a question without an accepted answer"),
)
def clear_answer(thread_id):
    thread = _readable_thread(thread_id)
    permissions.require(permissions.can_accept_answer(thread), hide=False)
    outcome = outcomes.clear_answer(current_user, thread)
    db.session.commit()
    return answers.outcome(thread, outcome)


@operation(
    "PUT",
    "/threads/<int:thread_id>/challenge-status",
    response=schemas.OutcomeOut,
    body=schemas.ChallengeStatusIn,
    scope="write",
    errors=(*WRITE_ERRORS, 409),
    summary=mark("Set a challenge's status, with a note and the reply or thread that solved it"),
)
def set_challenge_status(thread_id, body):
    thread = _readable_thread(thread_id)
    permissions.require(permissions.can_set_challenge_status(thread), hide=False)
    solution = None
    if body.solution_post_id is not None:
        solution = thread_queries.get_post(body.solution_post_id)
        if solution is None or not permissions.can_read_post(solution):
            raise ApiError(INVALID, fields={"solution_post_id": [_no_such_post()]})
    elif body.solution_thread_id is not None:
        solution = thread_queries.get_thread(body.solution_thread_id)
        if not permissions.can_read_thread(solution):
            raise ApiError(INVALID, fields={"solution_thread_id": [_no_such_post()]})
    outcome = _acting(outcomes.OutcomeError, outcomes.set_challenge_status, current_user,
                      thread, body.status, note=body.note, solution=solution)  # fmt: skip
    db.session.commit()
    return answers.outcome(thread, outcome)


@operation(
    "POST",
    "/threads/<int:thread_id>/adoptions",
    response=schemas.AdoptionOut,
    status=201,
    body=schemas.AdoptionIn,
    scope="write",
    errors=(*WRITE_ERRORS, 409),
    summary=mark("Record that the caller's local authority adopted a success story"),
)
def adopt_story(thread_id, body):
    thread = _readable_thread(thread_id)
    permissions.require(permissions.can_adopt_story(thread), hide=False)
    adoption = _acting(outcomes.OutcomeError, outcomes.adopt_story, current_user, thread,
                       note=body.note, contact=body.contact)  # fmt: skip
    db.session.commit()
    return answers.adoption(adoption)


@operation(
    "DELETE",
    "/adoptions/<int:adoption_id>",
    response=schemas.Done,
    scope="write",
    errors=WRITE_ERRORS,
    summary=mark("Withdraw an adoption"),
)
def withdraw_adoption(adoption_id):
    adoption = outcome_queries.get_adoption(adoption_id)
    permissions.require(adoption is not None and permissions.can_read_thread(adoption.thread))
    permissions.require(permissions.can_withdraw_adoption(adoption), hide=False)
    outcomes.withdraw_adoption(current_user, adoption)
    db.session.commit()
    return schemas.Done(done=True)


# Helpers of these views ----------------------------------------------------------------------


def _readable_board(slug):
    board = boards.get_board_by_slug(slug)
    permissions.require(permissions.can_read_board(board))
    return board


def _readable_thread(thread_id):
    thread = thread_queries.get_thread(thread_id)
    permissions.require(permissions.can_read_thread(thread))
    return thread


def _readable_post(post_id):
    post = thread_queries.get_post(post_id)
    permissions.require(post is not None and permissions.can_read_thread(post.thread))
    return post


def _acting(refusal, action, *arguments, **options):
    """Run the action; a rule it enforces about the current state answers 409."""
    try:
        return action(*arguments, **options)
    except refusal as error:
        db.session.rollback()
        raise ApiError(CONFLICT, message=str(error)) from None


def _post_answer(post):
    may = permissions.for_posts(post.thread, [post])[post.id]
    files = attachment_queries.attachments_of_post(post.id)
    return answers.post(post, may, author_name=post.author.display_name, files=files)


# Messages ------------------------------------------------------------------------------------


def _type_a_word():
    return _("Type a word to search for: letters or digits, not only signs.")


def _unknown_tags(slugs):
    return _("No such tag: %(tags)s.", tags=", ".join(slugs))


def _no_such_post():
    return _("No post you can read has this number here.")


def _locked():
    return _("This thread is locked.")
