"""What is read about local authorities for their pages: their figures, members, threads,
answers, stories and task forces.

Every figure is counted by the database, grouped by authority, one statement per figure
whatever the number of authorities or posts; threads and replies are summed from the counts
kept per member and board (BoardParticipation), so a view never scans the posts. Content
goes through the policy's visible_* filters, so a restricted board's threads and replies
never count, nor show, for a reader who may not read that board.
"""

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, joinedload

from forum import permissions
from forum.extensions import db
from forum.models import (
    Adoption,
    BoardParticipation,
    LocalAuthority,
    Post,
    TaskForce,
    TaskForceMember,
    Thread,
    ThreadOutcome,
    User,
)

RECENT = 10


@dataclass
class Figures:
    """What one authority's members did, as the reader may see it."""

    members: int = 0
    threads: int = 0
    replies: int = 0
    accepted_answers: int = 0
    adoptions: int = 0


@dataclass
class Governorate:
    key: str
    name: str
    authorities: list = field(default_factory=list)  # [(LocalAuthority, Figures)]


def get_authority(authority_id):
    return db.session.get(LocalAuthority, authority_id)


def authorities_by_governorate(user):
    """Every authority with its figures, grouped by governorate (sorted by name in the
    reader's language, as are the authorities within each)."""
    authorities = db.session.scalars(select(LocalAuthority)).all()
    figures = figures_by_authority(user)
    groups = {}
    for authority in authorities:
        group = groups.setdefault(
            authority.governorate, Governorate(authority.governorate, authority.governorate_name)
        )
        group.authorities.append((authority, figures.get(authority.id, Figures())))
    for group in groups.values():
        group.authorities.sort(key=lambda pair: pair[0].name)
    return sorted(groups.values(), key=lambda group: group.name)


def figures_by_authority(user, authority_id=None):
    """authority id → Figures, for every authority or just one; five grouped counts."""
    figures = {}
    for name, statement in _figure_statements(user).items():
        if authority_id is not None:
            statement = statement.where(statement.selected_columns[0] == authority_id)
        for key, count in db.session.execute(statement):
            if key is not None:
                setattr(figures.setdefault(key, Figures()), name, count)
    return figures


def _figure_statements(user):
    member = User.authority_id
    answer_post = aliased(Post)
    return {
        "members": select(member, func.count(User.id))
        .where(User.active.is_(True), member.is_not(None))
        .group_by(member),
        # Threads and replies: the counts kept per member and board (BoardParticipation,
        # forum.threads.actions), summed over the boards the reader may read.
        "threads": _participation(user, BoardParticipation.threads),
        "replies": _participation(user, BoardParticipation.replies),
        "accepted_answers": select(member, func.count(ThreadOutcome.thread_id))
        .join(Thread, ThreadOutcome.thread_id == Thread.id)
        .join(answer_post, ThreadOutcome.accepted_post_id == answer_post.id)
        .join(User, answer_post.author_id == User.id)
        .where(permissions.visible_threads(user), answer_post.is_visible_to_all)
        .group_by(member),
        "adoptions": select(Adoption.authority_id, func.count(Adoption.id))
        .join(Thread, Adoption.thread_id == Thread.id)
        .where(permissions.visible_threads(user))
        .group_by(Adoption.authority_id),
    }


def _participation(user, counted):
    member = User.authority_id
    return (
        select(member, func.sum(counted))
        .join(User, BoardParticipation.user_id == User.id)
        .where(permissions.visible_board_rows(BoardParticipation.board_id, user), counted > 0)
        .group_by(member)
    )


def members_of(authority):
    """The authority's members whose profiles may be seen (active accounts), by name."""
    return db.session.scalars(
        select(User)
        .where(User.authority_id == authority.id, User.active.is_(True))
        .order_by(User.display_name, User.id)
    ).all()


def recent_threads(authority, user, *, kind=None, limit=RECENT):
    """The latest threads its members started that the reader sees (of one kind if given)."""
    query = (
        select(Thread)
        .join(User, Thread.author_id == User.id)
        .where(User.authority_id == authority.id, permissions.visible_threads(user))
        .options(joinedload(Thread.board), joinedload(Thread.author))
        .order_by(Thread.created_at.desc(), Thread.id.desc())
        .limit(limit)
    )
    if kind is not None:
        query = query.where(Thread.kind == kind)
    return db.session.scalars(query).all()


def answered_questions(authority, user, *, limit=RECENT):
    """Questions whose accepted answer one of its members wrote, latest accepted first."""
    return db.session.scalars(
        select(Thread)
        .join(ThreadOutcome, ThreadOutcome.thread_id == Thread.id)
        .join(Post, ThreadOutcome.accepted_post_id == Post.id)
        .join(User, Post.author_id == User.id)
        .where(
            User.authority_id == authority.id,
            permissions.visible_threads(user),
            Post.is_visible_to_all,
        )
        .options(joinedload(Thread.board))
        .order_by(ThreadOutcome.accepted_at.desc(), Thread.id.desc())
        .limit(limit)
    ).all()


def adopted_stories(authority, user, *, limit=RECENT):
    """The success stories it adopted (that the reader sees), with its adoption notes."""
    return db.session.execute(
        select(Thread, Adoption)
        .join(Adoption, Adoption.thread_id == Thread.id)
        .where(Adoption.authority_id == authority.id, permissions.visible_threads(user))
        .options(joinedload(Thread.board))
        .order_by(Adoption.created_at.desc(), Adoption.id.desc())
        .limit(limit)
    ).all()


def task_force_memberships(authority):
    """[(task force, number of its members who represent the authority there)]. Task forces
    are the programme's public structure; their boards stay restricted."""
    return db.session.execute(
        select(TaskForce, func.count(TaskForceMember.user_id))
        .join(TaskForceMember, TaskForceMember.task_force_id == TaskForce.id)
        .where(TaskForceMember.authority_id == authority.id)
        .group_by(TaskForce.id)
        .order_by(TaskForce.id)
    ).all()
