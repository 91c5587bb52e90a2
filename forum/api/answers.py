"""The forum's rows as the API's schemas: what each answer shows of a board, a thread, a post.

What a reader may see was decided by the queries and the policy before these are called;
these only choose the fields (never an email address, never a deleted post's text).
"""

from flask import url_for

from forum.api import schemas
from forum.models import Status


def _web(endpoint, **values):
    return url_for(endpoint, **values, _external=True)


def board(row):
    return schemas.BoardOut(
        id=row.id, slug=row.slug, name=row.name, description=row.description,
        access=row.access, task_force=row.task_force.name if row.task_force else None,
        thread_count=row.thread_count, post_count=row.post_count,
        last_post_at=row.last_post_at, url=_web("boards.show_board", slug=row.slug),
    )  # fmt: skip


def thread(row):
    return schemas.ThreadOut(
        id=row.id, board=row.board.slug, title=row.title, kind=row.kind, status=row.status,
        pinned=row.pinned, locked=row.locked,
        author=schemas.Person(id=row.author.id, name=row.author.display_name),
        created_at=row.created_at, published_at=row.published_at,
        last_activity_at=row.last_activity_at, reply_count=row.reply_count,
        url=_web("threads.show_thread", thread_id=row.id),
    )  # fmt: skip


def post(row, may, *, author_name, files=()):
    """A post (a Post or a forum.threads.queries.PostOnPage) with what the reader may do with
    it (forum.permissions.PostPermissions) and its files: a placeholder has no text, no file."""
    return schemas.PostOut(
        id=row.id, thread_id=row.thread_id, parent_id=row.parent_id, depth=row.depth,
        author=schemas.Person(id=row.author_id, name=author_name), state=_state(row),
        body_html=row.body_html if may.read else None,
        attachments=[attachment(file) for file in files] if may.read else [],
        created_at=row.created_at, edited_at=row.edited_at,
        url=_web("threads.show_post", post_id=row.id),
    )  # fmt: skip


def attachment(file):
    return schemas.AttachmentOut(
        id=file.id, name=file.original_name, size=file.size, media_type=file.media_type,
        url=_web("attachments.download", attachment_id=file.id),
        thumbnail_url=_web("attachments.thumbnail", attachment_id=file.id)
        if file.is_image else None,
    )  # fmt: skip


def upload(file):
    """A staged upload, for its uploader: what a script needs to attach and place it."""
    return schemas.UploadOut(
        id=file.id, name=file.original_name, media_type=file.media_type, size=file.size,
        is_image=file.is_image, markdown=file.markdown,
        thumbnail_url=_web("attachments.thumbnail", attachment_id=file.id)
        if file.is_image else None,
    )  # fmt: skip


def _state(row):
    if row.deleted_at is not None:
        return "deleted"
    if row.hidden_at is not None:
        return "hidden"
    return row.status if row.status in (Status.PENDING, Status.REJECTED) else "published"


def member(user, recent):
    authority = user.authority
    return schemas.MemberOut(
        id=user.id, name=user.display_name, job_title=user.job_title, role=user.role,
        authority=schemas.AuthorityRef(id=authority.id, name=authority.name) if authority
        else None,
        joined_at=user.joined_at,
        recent_posts=[
            schemas.RecentPost(id=p.id, thread_id=p.thread_id, thread_title=p.thread.title,
                               created_at=p.created_at)
            for p in recent
        ],
        url=_web("accounts.profile", user_id=user.id),
    )  # fmt: skip


def authority(row, figures):
    return schemas.AuthorityOut(
        id=row.id, name=row.name, kind=row.kind, governorate=row.governorate,
        governorate_name=row.governorate_name,
        figures=schemas.Figures(
            members=figures.members, threads=figures.threads, replies=figures.replies,
            accepted_answers=figures.accepted_answers, adoptions=figures.adoptions,
        ),
        url=_web("authorities.show_authority", authority_id=row.id),
    )  # fmt: skip


def tag(row, count):
    return schemas.TagOut(id=row.id, slug=row.slug, name=row.name, thread_count=count,
                          url=_web("tags.show_tag", slug=row.slug))  # fmt: skip


def hit(found):
    return schemas.SearchHit(
        post_id=found.post_id, thread_id=found.thread_id, title_html=str(found.title),
        snippet_html=str(found.snippet), board=found.board_slug, kind=found.kind,
        author=schemas.Person(id=found.author_id, name=found.author_name),
        created_at=found.created_at, is_opening=found.is_opening,
        url=_web("threads.show_post", post_id=found.post_id),
    )  # fmt: skip


def notification(shown, kind):
    return schemas.NotificationOut(
        id=shown.id, kind=kind, text=shown.text, excerpt=shown.excerpt,
        link=shown.link, created_at=shown.created_at, unread=shown.unread,
    )  # fmt: skip


def outcome(thread_row, row):
    return schemas.OutcomeOut(
        thread_id=thread_row.id,
        accepted_post_id=row.accepted_post_id if row else None,
        challenge_status=row.challenge_status if row else None,
        status_note=(row.status_note or "") if row else "",
        solution_post_id=row.solution_post_id if row else None,
        solution_thread_id=row.solution_thread_id if row else None,
    )  # fmt: skip


def adoption(row):
    authority = row.authority
    return schemas.AdoptionOut(
        id=row.id, thread_id=row.thread_id, note=row.note,
        authority=schemas.AuthorityRef(id=authority.id, name=authority.name) if authority
        else None,
    )  # fmt: skip
