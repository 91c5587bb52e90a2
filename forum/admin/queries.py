"""What the administration area and the `flask forum` commands read.

These functions take no reader: only administrators reach the area (the blueprint asks
can_administer before any view runs) and the command line is the server's operator, and both
see every row. A list meant for anyone else goes through the policy's visible_* filters, in
the queries module of its own area.
"""

from sqlalchemy import func, or_, select, true
from sqlalchemy.orm import joinedload

from forum.extensions import db
from forum.models import (
    AdminLog,
    Board,
    BoardModerator,
    Invitation,
    LocalAuthority,
    Mail,
    MailStatus,
    TaskForce,
    TaskForceMember,
    User,
)

# The dashboard ------------------------------------------------------------------------------


def dashboard_totals():
    """How many accounts (and suspended ones), authorities, boards and task forces: one query."""
    counts = {
        "users": select(func.count(User.id)),
        "suspended": select(func.count(User.id)).where(User.is_suspended),
        "authorities": select(func.count(LocalAuthority.id)),
        "boards": select(func.count(Board.id)),
        "task_forces": select(func.count(TaskForce.id)),
        "failed_mail": select(func.count(Mail.id)).where(Mail.status == MailStatus.FAILED),
        "pending_accounts": select(func.count(User.id)).where(User.approval == "pending"),
    }
    row = db.session.execute(
        select(*(query.scalar_subquery().label(name) for name, query in counts.items()))
    ).one()
    return row._asdict()


def count_admin_log():
    return db.session.scalar(select(func.count(AdminLog.id)))


def list_admin_log(*, limit, offset=0):
    """Admin-log entries, newest first, with who made them."""
    return db.session.scalars(
        select(AdminLog)
        .options(joinedload(AdminLog.actor))
        .order_by(AdminLog.created_at.desc(), AdminLog.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()


# Local authorities --------------------------------------------------------------------------


def authorities_with_member_counts():
    """Every local authority with how many accounts work for it, by governorate."""
    members = (
        select(User.authority_id, func.count(User.id).label("members"))
        .group_by(User.authority_id)
        .subquery()
    )
    return db.session.execute(
        select(LocalAuthority, func.coalesce(members.c.members, 0))
        .outerjoin(members, members.c.authority_id == LocalAuthority.id)
        .order_by(LocalAuthority.governorate, LocalAuthority.name_en)
    ).all()


# Boards -------------------------------------------------------------------------------------


def all_boards():
    """Every board, in its set order, with its task force."""
    return db.session.scalars(
        select(Board).options(joinedload(Board.task_force)).order_by(Board.position, Board.id)
    ).all()


def boards_by_ids(board_ids):
    return db.session.scalars(select(Board).where(Board.id.in_(board_ids))).all()


def next_board_position():
    """Where a new board goes by default: after the last one."""
    return (db.session.scalar(select(func.max(Board.position))) or 0) + 1


def board_moderators(board):
    """The accounts assigned to moderate the board, by name."""
    return db.session.scalars(
        select(User)
        .join(BoardModerator, BoardModerator.user_id == User.id)
        .where(BoardModerator.board_id == board.id)
        .order_by(User.display_name)
    ).all()


def moderated_board_ids(user):
    """The boards a user is assigned to moderate (whether or not their role gives the powers)."""
    return db.session.scalars(
        select(BoardModerator.board_id).where(BoardModerator.user_id == user.id)
    ).all()


# Task forces --------------------------------------------------------------------------------


def get_task_force(task_force_id):
    return db.session.get(TaskForce, task_force_id)


def get_task_force_by_slug(slug):
    return db.session.scalar(select(TaskForce).where(TaskForce.slug == slug))


def all_task_forces():
    return db.session.scalars(select(TaskForce).order_by(TaskForce.slug)).all()


def task_forces_with_members():
    """Every task force with its memberships loaded (for counting them without more queries)."""
    return (
        db.session.scalars(
            select(TaskForce).options(joinedload(TaskForce.memberships)).order_by(TaskForce.slug)
        )
        .unique()
        .all()
    )


def authorities_represented(task_force):
    """How many distinct local authorities the task force's members represent."""
    return len({m.authority_id for m in task_force.memberships if m.authority_id is not None})


def member_counts():
    """Task force id → number of members, for every task force that has any."""
    return dict(
        db.session.execute(
            select(TaskForceMember.task_force_id, func.count()).group_by(
                TaskForceMember.task_force_id
            )
        ).all()
    )


def task_force_memberships(task_force):
    """The task force's members, by name, with the authority each represents."""
    return db.session.scalars(
        select(TaskForceMember)
        .options(joinedload(TaskForceMember.user), joinedload(TaskForceMember.authority))
        .join(User, TaskForceMember.user_id == User.id)
        .where(TaskForceMember.task_force_id == task_force.id)
        .order_by(User.display_name)
    ).all()


def task_force_boards(task_force):
    return db.session.scalars(
        select(Board).where(Board.task_force_id == task_force.id).order_by(Board.position)
    ).all()


def board_slugs_by_task_force():
    """Task force id → the slugs of its boards, in board order."""
    slugs = {}
    for task_force_id, slug in db.session.execute(
        select(Board.task_force_id, Board.slug)
        .where(Board.task_force_id.is_not(None))
        .order_by(Board.position)
    ):
        slugs.setdefault(task_force_id, []).append(slug)
    return slugs


def memberships_of(user):
    """The user's task-force memberships, each with its task force."""
    return db.session.scalars(
        select(TaskForceMember)
        .options(joinedload(TaskForceMember.task_force))
        .where(TaskForceMember.user_id == user.id)
    ).all()


# Accounts -----------------------------------------------------------------------------------


def count_users(search=""):
    return db.session.scalar(select(func.count(User.id)).where(_matching(search)))


def list_users(search="", *, limit, offset=0):
    """Accounts whose email or name contains `search` (any letter case), by name."""
    return db.session.scalars(
        select(User)
        .where(_matching(search))
        .order_by(User.display_name, User.id)
        .limit(limit)
        .offset(offset)
    ).all()


def _matching(search):
    if not search:
        return true()
    needle = search.lower()
    return or_(
        User.email.contains(needle, autoescape=True),
        func.lower(User.display_name).contains(needle, autoescape=True),
    )


# The mail outbox ----------------------------------------------------------------------------


def _with_status(query, status):
    return query if status is None else query.where(Mail.status == status)


def count_mail(status=None):
    return db.session.scalar(_with_status(select(func.count(Mail.id)), status))


def mail_counts():
    """Status → how many mails have it (statuses with none are absent)."""
    return dict(db.session.execute(select(Mail.status, func.count()).group_by(Mail.status)).all())


def list_mail(status=None, *, limit, offset=0):
    """Outbox mails, newest first, of one status or all."""
    return db.session.scalars(
        _with_status(select(Mail), status).order_by(Mail.id.desc()).limit(limit).offset(offset)
    ).all()


def get_mail(mail_id):
    return db.session.get(Mail, mail_id)


# Registration -------------------------------------------------------------------------------


def pending_accounts():
    """Accounts waiting for an administrator's approval, oldest first."""
    return db.session.scalars(
        select(User).where(User.approval == "pending").order_by(User.joined_at, User.id)
    ).all()


def list_invitations(*, limit):
    """The latest invitations, newest first, with who made and who used them."""
    return db.session.scalars(
        select(Invitation)
        .options(joinedload(Invitation.created_by), joinedload(Invitation.used_by))
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        .limit(limit)
    ).all()


def get_invitation(invitation_id):
    return db.session.get(Invitation, invitation_id)
