"""The participation figures, counted by the database: one grouped statement per figure,
whatever the size of the forum, through the policy's visible_* filters (an analyst's report
counts what an analyst may read; the federation's command counts everything published).

A figure is grouped by month, platform (board), governorate or local authority. Each fact is
placed by its own person and time: a thread by its author and publication, a reply by its
author and writing, an adoption by the adopting authority and its recording.

The posts are the one table too large to count on every view (a million on the large
benchmark forum): the members active and the replies of whole months are read from
MonthlyParticipation, kept by the actions; only the part-months at the ends of a range are
counted from the posts themselves. The median time to a first reply reads the first reply's
time kept on each thread.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import format_date, gettext
from sqlalchemy import and_, case, false, func, literal, select, true, union_all
from sqlalchemy.orm import join

from forum import permissions
from forum.clock import utcnow
from forum.extensions import db
from forum.i18n import pick
from forum.models import (
    GENDERS,
    GOVERNORATES,
    JOB_CATEGORIES,
    Adoption,
    Board,
    ChallengeStatus,
    LocalAuthority,
    ModerationLog,
    MonthlyParticipation,
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


# The self-declared profile fields, counted among the members active; None: not given.
GENDER_CELLS = (*GENDERS, None)
JOB_CATEGORY_CELLS = (*JOB_CATEGORIES, None)


@dataclass
class Figures:
    active_members: int | None = 0  # None: fewer than SMALLEST_CELL, suppressed
    # Active members by gender and by job category (GENDER_CELLS, JOB_CATEGORY_CELLS), each
    # cell suppressed like active_members, and more where one could be found by subtraction.
    genders: dict = field(default_factory=dict)
    job_categories: dict = field(default_factory=dict)
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
    for key, gender, job, people, replies in db.session.execute(_activity(user, filters, by)):
        figures = rows.setdefault(_plain(key), Row(_plain(key), "")).figures
        figures.active_members += people
        figures.replies += int(replies or 0)
        figures.genders[gender] = figures.genders.get(gender, 0) + people
        figures.job_categories[job] = figures.job_categories.get(job, 0) + people
    for name, statement in _figures(user, filters, by).items():
        add(statement, name)
    for row in rows.values():
        _suppress(row.figures)
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


def _placed(filters, by):
    """Whether the figures need each person's local authority: grouped or filtered by it."""
    return by in ("governorate", "authority") or bool(filters.governorate or filters.authority_kind)


def _by_author(fact, author_column, placed=True):
    """fact ⋈ thread ⋈ its person ⟕ their authority (posts and outcome rows carry thread_id);
    without the person when not placed (a lookup per row saved, on tens of thousands)."""
    joined = Thread.__table__ if fact is Thread else join(fact, Thread, fact.thread_id == Thread.id)
    if not placed:
        return joined
    joined = join(joined, User, author_column == User.id)
    return joined.outerjoin(LocalAuthority, User.authority_id == LocalAuthority.id)


def _counts(user, filters, by):
    key = _key(by, Thread.published_at)
    yield (
        select(key, Thread.kind, func.count(Thread.id))
        .select_from(_by_author(Thread, Thread.author_id, _placed(filters, by)))
        .where(_where(user, filters, Thread.published_at))
        .group_by(key, Thread.kind)
    )


def _activity(user, filters, by):
    """(key, gender, job category, members active, replies): who wrote a visible post, and
    the replies, counted once per member and key, with the member's self-declared fields
    beside (the caller adds the cells up into each key's figures)."""
    parts = _activity_parts(user, filters)
    facts = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery()
    # Each member once per month (or board), grouped in the order of a MonthlyParticipation
    # index so that the kept rows are read in order and nothing is sorted (when no part-month
    # is added to them); by place, members are then counted once across the months.
    part = facts.c.board_id if by == "platform" else facts.c.month
    per_person = (
        select(part.label("part"), facts.c.user_id, func.sum(facts.c.replies).label("replies"))
        .group_by(part, facts.c.user_id)
        .subquery()
    )
    key = {
        "month": per_person.c.part,
        "platform": per_person.c.part,
        "governorate": LocalAuthority.governorate,
        "authority": LocalAuthority.id,
    }[by]
    joined = join(per_person, User, per_person.c.user_id == User.id).outerjoin(
        LocalAuthority, User.authority_id == LocalAuthority.id
    )
    # A member is one row per month or board already; by place, once across the months.
    people = func.count() if by in ("month", "platform") else func.count(User.id.distinct())
    conditions = []
    if filters.governorate:
        conditions.append(LocalAuthority.governorate == filters.governorate)
    if filters.authority_kind:
        conditions.append(LocalAuthority.kind == filters.authority_kind)
    return (
        select(key, User.gender, User.job_category, people, func.sum(per_person.c.replies))
        .select_from(joined)
        .where(and_(true(), *conditions))
        .group_by(key, User.gender, User.job_category)
    )


def _activity_parts(user, filters):
    """SELECTs of (user id, board id, month, replies) whose union holds each visible post of
    the range once (or a month's posts of a member on a board as one row): the whole months
    from MonthlyParticipation, the part-months at either end from the posts."""
    first, last = _whole_months(filters)
    parts = []
    if last is None or first < last:
        kept = [
            MonthlyParticipation.month >= _yyyymm(first),
            permissions.visible_board_rows(MonthlyParticipation.board_id, user),
        ]
        if last is not None:
            kept.append(MonthlyParticipation.month < _yyyymm(last))
        if filters.board_id is not None:
            kept.append(MonthlyParticipation.board_id == filters.board_id)
        parts.append(
            select(
                MonthlyParticipation.user_id.label("user_id"),
                MonthlyParticipation.board_id.label("board_id"),
                MonthlyParticipation.month.label("month"),
                MonthlyParticipation.replies.label("replies"),
            ).where(*kept)
        )
        ends = [(filters.since, first)] + ([(last, filters.until)] if last is not None else [])
    else:
        ends = [(filters.since, filters.until)]
    is_reply = case((Post.id != Thread.first_post_id, 1), else_=0)
    for since, until in ends:
        if since >= until:
            continue
        counted = [
            permissions.visible_threads(user),
            Post.is_visible_to_all,
            Post.created_at >= since,
            Post.created_at < until,
        ]
        if filters.board_id is not None:
            counted.append(Thread.board_id == filters.board_id)
        parts.append(
            select(
                Post.author_id.label("user_id"),
                Thread.board_id.label("board_id"),
                month_key(Post.created_at).label("month"),
                is_reply.label("replies"),
            )
            .join(Thread, Post.thread_id == Thread.id)
            .where(*counted)
        )
    if not parts:  # an empty range
        nothing = (literal(0).label(name) for name in ("user_id", "board_id", "month", "replies"))
        parts.append(select(*nothing).where(false()))
    return parts


def _whole_months(filters):
    """(first, last): the months wholly inside the range run from first (inclusive) to last
    (exclusive), both the first instant of a month; last is None when the range ends after
    now, as nothing has been written after now (so the current month counts whole)."""
    since, until = filters.since, filters.until
    first = since.replace(day=1) if since.day == 1 else _next_month(since.replace(day=1))
    if until > utcnow():
        return first, None
    last = until.replace(day=1)
    return first, max(first, last)


def _next_month(moment):
    return moment.replace(year=moment.year + moment.month // 12, month=moment.month % 12 + 1)


def _yyyymm(moment):
    return moment.year * 100 + moment.month


def _suppress(figures):
    """Hide every count of people smaller than SMALLEST_CELL (but no one, 0), in the total and
    in each breakdown; and where a breakdown hides a single cell beside a total shown, its
    next-smallest cell too, or the hidden one would be the total less the others."""
    people = figures.active_members
    figures.active_members = people if people >= SMALLEST_CELL or people == 0 else None
    for name, cells in (("genders", GENDER_CELLS), ("job_categories", JOB_CATEGORY_CELLS)):
        counts = getattr(figures, name)
        shown = {cell: counts.get(cell, 0) for cell in cells}
        hidden = {cell for cell, count in shown.items() if 0 < count < SMALLEST_CELL}
        if len(hidden) == 1 and figures.active_members is not None:
            others = [(count, str(cell)) for cell, count in shown.items()
                      if cell not in hidden and count > 0]  # fmt: skip
            if others:
                smallest = min(others)[1]
                hidden |= {cell for cell in shown if str(cell) == smallest}
        setattr(figures, name, {cell: None if cell in hidden else count
                                for cell, count in shown.items()})  # fmt: skip


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
    approval_key = _key(by, ModerationLog.created_at)
    approvals = join(
        Thread,
        ModerationLog,
        (ModerationLog.thread_id == Thread.id) & (ModerationLog.action == "approve_thread"),
    )
    placed = _placed(filters, by)
    if placed:
        approvals = approvals.join(User, Thread.author_id == User.id).outerjoin(
            LocalAuthority, User.authority_id == LocalAuthority.id
        )
    return {
        "answered_questions": select(thread_key, func.count(ThreadOutcome.accepted_post_id))
        .select_from(
            _by_author(Thread, Thread.author_id, placed).outerjoin(
                ThreadOutcome, ThreadOutcome.thread_id == Thread.id
            )
        )
        .where(questions)
        .group_by(thread_key),
        "challenges_resolved": select(change_key, func.count(OutcomeChange.thread_id.distinct()))
        .select_from(_by_author(OutcomeChange, Thread.author_id, placed))
        .where(resolved)
        .group_by(change_key),
        "adoptions": select(adoption_key, func.count(Adoption.id))
        .select_from(adoptions)
        .where(_where(user, filters, Adoption.created_at))
        .group_by(adoption_key),
        "median_first_reply_hours": medians(
            thread_key,
            seconds_between(Thread.first_reply_at, Thread.published_at),
            _where(user, filters, Thread.published_at) & Thread.first_reply_at.is_not(None),
            _by_author(Thread, Thread.author_id, placed),
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
