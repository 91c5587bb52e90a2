"""The participation figures, counted by the database: one grouped statement per figure,
whatever the size of the forum, through the policy's visible_* filters (an analyst's report
counts what an analyst may read; the federation's command counts everything published).

A figure is grouped by month, platform (board), governorate or local authority. Each fact is
placed by its own person and time: a thread by its author and publication, a reply by its
author and writing, an adoption by the adopting authority and its recording.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import format_date, gettext
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import join

from forum import permissions
from forum.extensions import db
from forum.i18n import pick
from forum.models import (
    GOVERNORATES,
    Adoption,
    Board,
    ChallengeStatus,
    LocalAuthority,
    ModerationLog,
    OutcomeChange,
    Post,
    Thread,
    ThreadOutcome,
    User,
)
from forum.reports.sql import medians, month_key, seconds_between

GROUPINGS = ("month", "platform", "governorate", "authority")
# A count of people smaller than this is not shown: no one may be recognised in a cell.
SMALLEST_CELL = 5


@dataclass(frozen=True)
class Filters:
    start: date
    end: date  # the last day counted
    board_id: int | None = None
    governorate: str | None = None
    authority_kind: str | None = None

    @property
    def since(self):
        return datetime.combine(self.start, time.min)

    @property
    def until(self):
        return datetime.combine(self.end + timedelta(days=1), time.min)


@dataclass
class Figures:
    active_members: int | None = 0  # None: fewer than SMALLEST_CELL, suppressed
    questions: int = 0
    challenges: int = 0
    success_stories: int = 0
    discussions: int = 0
    replies: int = 0
    median_first_reply_hours: float | None = None
    answered_questions: int = 0
    median_approval_hours: float | None = None
    challenges_resolved: int = 0
    adoptions: int = 0

    @property
    def threads(self):
        return self.questions + self.challenges + self.success_stories + self.discussions

    @property
    def answered_share(self):
        """The share of the questions published that have an accepted answer, or None."""
        return self.answered_questions / self.questions if self.questions else None


@dataclass
class Row:
    key: object
    label: str
    figures: Figures = field(default_factory=Figures)


KIND_FIELDS = {
    "question": "questions",
    "challenge": "challenges",
    "success_story": "success_stories",
    "discussion": "discussions",
}


def report(user, filters, by="month"):
    """[Row] of the figures grouped `by`, in order (months in time, others by label)."""
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    rows = {}

    def add(statement, name):
        for key, value in db.session.execute(statement):
            row = rows.setdefault(_plain(key), Row(_plain(key), ""))
            setattr(row.figures, name, value if name.startswith("median") else int(value or 0))

    for statement in _counts(user, filters, by):
        for key, kind, count in db.session.execute(statement):
            row = rows.setdefault(_plain(key), Row(_plain(key), ""))
            setattr(row.figures, KIND_FIELDS[kind], int(count))
    for key, people, replies in db.session.execute(_posts(user, filters, by)):
        figures = rows.setdefault(_plain(key), Row(_plain(key), "")).figures
        figures.active_members, figures.replies = int(people), int(replies or 0)
    for name, statement in _figures(user, filters, by).items():
        add(statement, name)
    for row in rows.values():
        people = row.figures.active_members
        row.figures.active_members = people if people >= SMALLEST_CELL or people == 0 else None
        hours = (row.figures.median_first_reply_hours, row.figures.median_approval_hours)
        row.figures.median_first_reply_hours, row.figures.median_approval_hours = (
            None if value is None else float(value) / 3600 for value in hours
        )
    _label(rows, by)
    ordered = sorted(rows.values(), key=lambda row: (row.key is None, row.key if by == "month"
                                                     else row.label))  # fmt: skip
    return ordered


# The statements ---------------------------------------------------------------------------


def _where(user, filters, thread_time, *, authority=LocalAuthority):
    """The filters on a fact placed at thread_time, in a thread the reader may see."""
    conditions = [
        permissions.visible_threads(user),
        thread_time >= filters.since,
        thread_time < filters.until,
    ]
    if filters.board_id is not None:
        conditions.append(Thread.board_id == filters.board_id)
    if filters.governorate:
        conditions.append(authority.governorate == filters.governorate)
    if filters.authority_kind:
        conditions.append(authority.kind == filters.authority_kind)
    return and_(*conditions)


def _key(by, time_column):
    return {
        "month": month_key(time_column),
        "platform": Thread.board_id,
        "governorate": LocalAuthority.governorate,
        "authority": LocalAuthority.id,
    }[by]


def _by_author(fact, author_column):
    """fact ⋈ thread ⋈ its person ⟕ their authority (posts and outcome rows carry thread_id)."""
    if fact is Thread:
        joined = join(Thread, User, author_column == User.id)
    else:
        joined = join(fact, Thread, fact.thread_id == Thread.id).join(
            User, author_column == User.id
        )
    return joined.outerjoin(LocalAuthority, User.authority_id == LocalAuthority.id)


def _counts(user, filters, by):
    key = _key(by, Thread.published_at)
    yield (
        select(key, Thread.kind, func.count(Thread.id))
        .select_from(_by_author(Thread, Thread.author_id))
        .where(_where(user, filters, Thread.published_at))
        .group_by(key, Thread.kind)
    )


def _posts(user, filters, by):
    """Members active (who wrote a visible post) and replies, in one pass over the posts: the
    report's costliest scan, read from the posts' author index alone (it holds every column
    used here)."""
    key = _key(by, Post.created_at)
    is_reply = case((Post.id != Thread.first_post_id, 1), else_=0)
    return (
        select(key, func.count(Post.author_id.distinct()), func.sum(is_reply))
        .select_from(_by_author(Post, Post.author_id))
        .where(_where(user, filters, Post.created_at) & Post.is_visible_to_all)
        .group_by(key)
    )


def _figures(user, filters, by):
    thread_key = _key(by, Thread.published_at)
    questions = _where(user, filters, Thread.published_at) & (Thread.kind == "question")
    change_key = _key(by, OutcomeChange.created_at)
    resolved = (
        _where(user, filters, OutcomeChange.created_at)
        & (OutcomeChange.kind == "status")
        & (OutcomeChange.to_value == ChallengeStatus.RESOLVED)
    )
    adoption_key = _key(by, Adoption.created_at)
    adoptions = join(Adoption, Thread, Adoption.thread_id == Thread.id).join(
        LocalAuthority, Adoption.authority_id == LocalAuthority.id
    )
    first_reply = (
        select(Post.thread_id, func.min(Post.created_at).label("at"))
        .join(Thread, Post.thread_id == Thread.id)
        .where(Post.is_visible_to_all, Post.id != Thread.first_post_id)
        .group_by(Post.thread_id)
        .subquery()
    )
    with_first_reply = join(Thread, first_reply, first_reply.c.thread_id == Thread.id)
    with_first_reply = with_first_reply.join(User, Thread.author_id == User.id).outerjoin(
        LocalAuthority, User.authority_id == LocalAuthority.id
    )
    approval_key = _key(by, ModerationLog.created_at)
    approvals = join(
        Thread,
        ModerationLog,
        (ModerationLog.thread_id == Thread.id) & (ModerationLog.action == "approve_thread"),
    )
    approvals = approvals.join(User, Thread.author_id == User.id).outerjoin(
        LocalAuthority, User.authority_id == LocalAuthority.id
    )
    return {
        "answered_questions": select(thread_key, func.count(ThreadOutcome.accepted_post_id))
        .select_from(
            _by_author(Thread, Thread.author_id).outerjoin(
                ThreadOutcome, ThreadOutcome.thread_id == Thread.id
            )
        )
        .where(questions)
        .group_by(thread_key),
        "challenges_resolved": select(change_key, func.count(OutcomeChange.thread_id.distinct()))
        .select_from(_by_author(OutcomeChange, Thread.author_id))
        .where(resolved)
        .group_by(change_key),
        "adoptions": select(adoption_key, func.count(Adoption.id))
        .select_from(adoptions)
        .where(_where(user, filters, Adoption.created_at))
        .group_by(adoption_key),
        "median_first_reply_hours": medians(
            thread_key,
            seconds_between(first_reply.c.at, Thread.published_at),
            _where(user, filters, Thread.published_at),
            with_first_reply,
        ),
        "median_approval_hours": medians(
            approval_key,
            seconds_between(ModerationLog.created_at, Thread.created_at),
            _where(user, filters, ModerationLog.created_at),
            approvals,
        ),
    }


# Labels -------------------------------------------------------------------------------------


def _plain(key):
    """Keys as Python values: a month's yyyymm arrives as a Decimal or float from EXTRACT."""
    if key is None or isinstance(key, str):
        return key
    return int(key)


def _label(rows, by):
    nobody = gettext("No local authority")
    if by == "month":
        for row in rows.values():
            year, month = divmod(row.key, 100)
            row.label = format_date(date(year, month, 1), "MMMM y")
    elif by == "platform":
        names = {board.id: board.name for board in db.session.scalars(select(Board))}
        for row in rows.values():
            row.label = names.get(row.key, str(row.key))
    elif by == "governorate":
        for row in rows.values():
            row.label = pick(*GOVERNORATES[row.key]) if row.key in GOVERNORATES else nobody
    else:
        ids = [key for key in rows if key is not None]
        found = db.session.scalars(select(LocalAuthority).where(LocalAuthority.id.in_(ids)))
        names = {authority.id: authority.name for authority in found}
        for row in rows.values():
            row.label = names.get(row.key, nobody)
