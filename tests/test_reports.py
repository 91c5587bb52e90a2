"""Participation reports: figures equal to those the test counts itself on generated data,
small cells suppressed, the CSV readable with its Arabic, and the command for scripts."""

import csv
import io
import json
import random
import statistics
from datetime import date, datetime, timedelta

import pytest
from flask_login import login_user
from sqlalchemy import select, update

from forum import permissions
from forum.extensions import db
from forum.models import (
    GENDERS,
    Adoption,
    LocalAuthority,
    ModerationLog,
    MonthlyParticipation,
    OutcomeChange,
    Post,
    Status,
    Thread,
    ThreadOutcome,
    User,
)
from forum.moderation import actions as moderation
from forum.outcomes import actions as outcomes
from forum.reports import output, queries
from forum.threads import actions as threads
from forum.threads.actions import recount_participation
from tests.factories import board_by_slug, make_authority, make_person, make_reply, make_thread
from tests.test_query_counts import add_threads, cold_queries

BOARDS = ("financial-management", "engineering-planning", "tf-financial-experts")
KINDS = ("question", "challenge", "success_story", "discussion")
START, END = date(2026, 1, 1), date(2026, 3, 31)


def at(rng):
    """A time in the report's period (or, now and then, just outside it)."""
    return datetime(2025, 12, 20) + timedelta(minutes=rng.randrange(0, 60 * 24 * 110))


@pytest.fixture
def generated(app, moderator, admin):
    """Authorities in two governorates, their members, and a season of threads, replies,
    accepted answers, resolved challenges, adoptions and approvals, at random times."""
    rng = random.Random(14)
    with app.app_context():
        places = [
            make_authority(f"بلدية {n}", f"Town {n}", governorate=g, kind=k).id
            for n, (g, k) in enumerate(
                [
                    ("jenin", "municipality"),
                    ("jenin", "village_council"),
                    ("hebron", "municipality"),
                ]
            )
        ]
        people = [make_person(authority_id=places[n % 3], task_force="financial-experts" if n < 3
                              else None).id for n in range(14)]  # fmt: skip
        judge = db.session.get(User, moderator.id)
        for number in range(24):
            author = db.session.get(User, rng.choice(people))
            kind = rng.choice(KINDS)
            board = rng.choice(BOARDS)
            waits = rng.random() < 0.3 and board != "tf-financial-experts"
            thread = make_thread(author.id, board, title=f"موضوع {number}", kind=kind,
                                 published=not waits)  # fmt: skip
            written = at(rng)
            thread.created_at = thread.first_post.created_at = written
            if thread.status == Status.PENDING:
                moderation.approve_thread(judge, thread)
                entry = db.session.scalars(
                    select(ModerationLog).where(ModerationLog.thread_id == thread.id)
                ).one()
                entry.created_at = written + timedelta(hours=rng.randrange(1, 50))
                thread.published_at = entry.created_at
            else:
                thread.published_at = written
            replies = []
            for _ in range(rng.randrange(0, 4)):
                reply = make_reply(rng.choice(people), thread)
                reply.created_at = thread.published_at + timedelta(hours=rng.randrange(1, 200))
                replies.append(reply)
            if kind == "question" and replies and rng.random() < 0.6:
                outcomes.accept_answer(thread.author, rng.choice(replies))
            if kind == "challenge" and rng.random() < 0.6:
                outcomes.set_challenge_status(thread.author, thread, "resolved")
            if kind == "success_story":
                for place in places:
                    adopter = db.session.scalar(
                        select(User).where(User.authority_id == place, User.id != author.id)
                    )
                    if place != author.authority_id and rng.random() < 0.5:
                        outcomes.adopt_story(adopter, thread, note="طبقناها")
            db.session.commit()
        for row in db.session.scalars(select(OutcomeChange)):
            row.created_at = at(rng)
        for row in db.session.scalars(select(Adoption)):
            row.created_at = at(rng)
        # Most declare a gender and a job category; some do not.
        for person in people:
            user = db.session.get(User, person)
            user.gender = rng.choice([*GENDERS, None])
            user.job_category = rng.choice(["finance", "engineering", None])
        # The times above were rewritten by hand, as an import would: the kept counts are
        # rebuilt from the rows, as `flask forum recount` does after one.
        recount_participation()
        db.session.commit()
    return places


def expected(by, reader_boards, filters):
    """The figures, counted here from the rows one by one (the report counts in SQL)."""
    since, until = filters.since, filters.until
    authority = {user.id: user.authority for user in db.session.scalars(select(User))}

    def key(time, board_id, place):
        if by == "month":
            return time.year * 100 + time.month
        if by == "platform":
            return board_id
        if by == "governorate":
            return place.governorate if place else None
        return place.id if place else None

    def counted(thread, time, place):
        if filters.governorate is not None and (
            place is None or place.governorate != filters.governorate
        ):
            return False
        if filters.authority_kind is not None and (
            place is None or place.kind != filters.authority_kind
        ):
            return False
        return (thread.status == Status.PUBLISHED and thread.board_id in reader_boards
                and since <= time < until)  # fmt: skip

    table = {}

    def cell(k):
        return table.setdefault(k, {"people": set(), "kinds": {}, "replies": 0, "answered": 0,
                                    "first": [], "approval": [], "resolved": set(),
                                    "adoptions": 0})  # fmt: skip

    for thread in db.session.scalars(select(Thread)):
        place = authority[thread.author_id]
        if counted(thread, thread.published_at, place):
            c = cell(key(thread.published_at, thread.board_id, place))
            c["kinds"][thread.kind] = c["kinds"].get(thread.kind, 0) + 1
            outcome = db.session.get(ThreadOutcome, thread.id)
            if thread.kind == "question" and outcome and outcome.accepted_post_id:
                c["answered"] += 1
            shown = [p for p in db.session.scalars(select(Post).where(Post.thread_id == thread.id))
                     if p.is_visible_to_all and p.id != thread.first_post_id]  # fmt: skip
            if shown:
                first = min(p.created_at for p in shown)
                c["first"].append((first - thread.published_at).total_seconds() / 3600)
        for post in db.session.scalars(select(Post).where(Post.thread_id == thread.id)):
            where = authority[post.author_id]
            if post.is_visible_to_all and counted(thread, post.created_at, where):
                c = cell(key(post.created_at, thread.board_id, where))
                c["people"].add(post.author_id)
                c["replies"] += post.id != thread.first_post_id
        approvals = select(ModerationLog).where(
            ModerationLog.thread_id == thread.id, ModerationLog.action == "approve_thread"
        )
        for entry in db.session.scalars(approvals):
            if counted(thread, entry.created_at, place):
                c = cell(key(entry.created_at, thread.board_id, place))
                c["approval"].append((entry.created_at - thread.created_at).total_seconds() / 3600)
        resolutions = select(OutcomeChange).where(
            OutcomeChange.thread_id == thread.id, OutcomeChange.to_value == "resolved"
        )
        for change in db.session.scalars(resolutions):
            if counted(thread, change.created_at, place):
                cell(key(change.created_at, thread.board_id, place))["resolved"].add(thread.id)
        for adoption in db.session.scalars(select(Adoption).where(Adoption.thread_id == thread.id)):
            adopter = db.session.get(LocalAuthority, adoption.authority_id)
            if counted(thread, adoption.created_at, adopter):
                cell(key(adoption.created_at, thread.board_id, adopter))["adoptions"] += 1
    figures = {}
    users = {user.id: user for user in db.session.scalars(select(User))}
    for k, c in table.items():
        people = len(c["people"])
        genders, jobs = {}, {}
        for person in c["people"]:
            genders[users[person].gender] = genders.get(users[person].gender, 0) + 1
            jobs[users[person].job_category] = jobs.get(users[person].job_category, 0) + 1
        figures[k] = queries.Figures(
            active_members=people if people >= 5 or people == 0 else None,
            genders=genders, job_categories=jobs,
            questions=c["kinds"].get("question", 0), challenges=c["kinds"].get("challenge", 0),
            success_stories=c["kinds"].get("success_story", 0),
            discussions=c["kinds"].get("discussion", 0), replies=c["replies"],
            median_first_reply_hours=statistics.median(c["first"]) if c["first"] else None,
            answered_questions=c["answered"],
            median_approval_hours=statistics.median(c["approval"]) if c["approval"] else None,
            challenges_resolved=len(c["resolved"]), adoptions=c["adoptions"],
        )  # fmt: skip
    return figures


def shown_as_counted(found, wanted):
    """Each breakdown cell shown equals the count; each hidden one is small, or the second
    cell hidden so that the first cannot be found by subtraction. Then the breakdowns are
    set aside for the comparison of the other figures."""
    for name in ("genders", "job_categories"):
        shown, counted = getattr(found, name), getattr(wanted, name)
        hidden = [cell for cell, count in shown.items() if count is None]
        for cell, count in shown.items():
            if count is not None:
                assert count == counted.get(cell, 0), (name, cell)
        small = [cell for cell in hidden if counted.get(cell, 0) < queries.SMALLEST_CELL]
        assert len(hidden) != 1 or found.active_members is None
        assert len(hidden) - len(small) <= 1 and all(counted.get(c, 0) for c in hidden)
        setattr(found, name, {}), setattr(wanted, name, {})


def rounded(figures):
    """Medians compared to the second: the databases compute times in floating point."""
    for name in ("median_first_reply_hours", "median_approval_hours"):
        value = getattr(figures, name)
        setattr(figures, name, None if value is None else round(value * 3600))
    return figures


@pytest.mark.parametrize("by", queries.GROUPINGS)
@pytest.mark.parametrize("reader", ["admin", "analyst"])
def test_the_figures_are_those_counted_one_by_one(app, generated, by, reader):
    with app.test_request_context():
        person = make_person(role="analyst") if reader == "analyst" else None
        user = db.session.get(User, person.id) if person else db.session.scalar(
            select(User).where(User.role == "admin"))  # fmt: skip
        login_user(user)
        access = permissions.access_for(user)
        for filters in (
            queries.Filters(START, END),
            queries.Filters(START, END, governorate="jenin"),
            # Part-months at the ends (counted from the posts), within one month, and a
            # range that ends after today (its last month counted whole).
            queries.Filters(date(2026, 1, 10), date(2026, 3, 20)),
            queries.Filters(date(2026, 2, 3), date(2026, 2, 24), authority_kind="municipality"),
            queries.Filters(date(2026, 2, 14), date.today() + timedelta(days=3)),
        ):
            rows = queries.report(user, filters, by)
            found = {row.key: rounded(row.figures) for row in rows}
            wanted = {k: rounded(f) for k, f in expected(by, access.readable, filters).items()}
            for key in found.keys() & wanted.keys():
                shown_as_counted(found[key], wanted[key])
            assert found == wanted
            # The data is not empty.
            assert sum(f.threads for f in found.values()) > (10 if filters.start == START else 0)
        # An analyst counts what an analyst may read: no restricted board.
        restricted = board_by_slug("tf-financial-experts").id
        assert (restricted in access.readable) == (reader == "admin")


def test_small_counts_of_people_are_suppressed(app, generated):
    with app.test_request_context():
        admin = db.session.scalar(select(User).where(User.role == "admin"))
        rows = queries.report(admin, queries.Filters(START, END), "authority")
        people = [row.figures.active_members for row in rows]
        assert all(count is None or count >= queries.SMALLEST_CELL for count in people)
        by_month = queries.report(admin, queries.Filters(START, END), "month")
    suppressed = [row for row in rows if row.figures.active_members is None]
    assert suppressed or any(row.figures.active_members for row in by_month)
    assert "<5" in output.as_csv([queries.Row(1, "x", queries.Figures(active_members=None))])


def test_the_csv_opens_with_its_arabic_intact(app, client, login, generated, admin):
    login(admin)  # the administrator reads Arabic
    response = client.get("/reports.csv?by=authority&start=2026-01-01&end=2026-03-31")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0][0] == "المجموعة"
    assert {row[0] for row in table[1:]} >= {"بلدية 0", "بلدية 1", "بلدية 2"}


def test_the_page_draws_bars_in_both_languages(app, client, login, generated, admin):
    login(admin)
    arabic = client.get("/reports?start=2026-01-01&end=2026-03-31").get_data(as_text=True)
    assert arabic.count('<svg class="bar"') >= 6 and "كانون" in arabic or "يناير" in arabic
    client.get("/language/en")
    english = client.get("/reports?by=governorate&start=2026-01-01&end=2026-03-31")
    html = english.get_data(as_text=True)
    assert "Jenin" in html and "Hebron" in html and '<rect x="0"' in html


def test_the_monthly_command_writes_csv_and_json(app, runner, generated):
    result = runner.invoke(args=["forum", "report", "monthly", "--month", "2026-02",
                                 "--format", "json", "--by", "governorate"])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["month"] == "2026-02" and {row["key"] for row in data["rows"]} <= {
        "jenin",
        "hebron",
        None,
    }
    with app.test_request_context():
        wanted = expected("governorate", permissions.access_of_the_federation().readable,
                          queries.Filters(date(2026, 2, 1), date(2026, 2, 28)))  # fmt: skip
    assert {row["key"]: row["Replies"] for row in data["rows"]} == {
        key: figures.replies for key, figures in wanted.items()
    }
    text = runner.invoke(args=["forum", "report", "monthly", "--month", "2026-02"]).output
    assert text.startswith(output.BOM)
    bad = runner.invoke(args=["forum", "report", "monthly", "--month", "February"])
    assert bad.exit_code != 0


def test_the_report_costs_the_same_statements_whatever_the_forum_holds(
    app, login, admin, other_member
):
    reader = login(admin, on=app.test_client())
    url = "/reports?by=authority"
    add_threads(app, other_member.id, 2, replies=2)
    small = cold_queries(app, reader, url)
    add_threads(app, other_member.id, 20, replies=30)
    assert cold_queries(app, reader, url) == small


def test_a_malformed_request_shows_the_default_report(app, login, admin):
    reader = login(admin, on=app.test_client())
    response = reader.get("/reports?start=yesterday&by=everything&board=x")
    assert response.status_code == 200


def months_by_hand():
    """({(month, board, member): (posts, replies)}, {thread: first reply time}) from every
    thread and post, in Python."""
    months, firsts = {}, {}
    for thread in db.session.scalars(select(Thread)):
        posts = db.session.scalars(select(Post).where(Post.thread_id == thread.id)).all()
        shown = [post for post in posts if post.is_visible_to_all]
        replies = [post.created_at for post in shown if post.id != thread.first_post_id]
        firsts[thread.id] = min(replies) if replies else None
        if thread.status != Status.PUBLISHED:
            continue
        for post in shown:
            key = (post.created_at.year * 100 + post.created_at.month, thread.board_id,
                   post.author_id)  # fmt: skip
            posts_, replies_ = months.get(key, (0, 0))
            months[key] = (posts_ + 1, replies_ + (post.id != thread.first_post_id))
    return months, firsts


def months_kept():
    months = {(row.month, row.board_id, row.user_id): (row.posts, row.replies)
              for row in db.session.scalars(select(MonthlyParticipation))}  # fmt: skip
    firsts = dict(db.session.execute(select(Thread.id, Thread.first_reply_at)).all())
    return months, firsts


def test_kept_figures_equal_recomputed_after_edits_moves_and_deletions(app, moderator, admin):
    """What the reports read instead of the posts (MonthlyParticipation, Thread.first_reply_at)
    follows every action that shows or hides a post, and `flask forum recount` rebuilds it."""
    with app.app_context():
        judge = db.session.get(User, admin.id)
        people = [make_person(authority_id=make_authority(f"بلدية {n}", f"Town {n}").id).id
                  for n in range(3)]  # fmt: skip
        question = make_thread(people[0], "financial-management", title="سؤال")
        first = make_reply(people[1], question)
        second = make_reply(people[2], question, parent=first)
        waiting = make_thread(people[1], "engineering-planning", title="ينتظر", published=False)
        assert months_kept() == months_by_hand() and months_kept()[0]
        steps = (
            lambda: make_reply(people[0], question, body="رد آخر"),
            lambda: threads.edit_post(judge, first, body="رد معدل"),
            lambda: threads.delete_post(judge, first, reason="مكرر"),
            lambda: threads.restore_post(judge, first, reason="خطأ"),
            lambda: moderation.hide_post(judge, second, reason="مراجعة"),
            lambda: moderation.unhide_post(judge, second, reason="مراجعة"),
            lambda: moderation.move_thread(judge, question, board_by_slug("tf-financial-experts")),
            lambda: threads.delete_thread(judge, question, reason="مكرر"),
            lambda: threads.restore_thread(judge, question, reason="خطأ"),
            lambda: moderation.approve_thread(judge, db.session.get(Thread, waiting.id)),
        )
        for step in steps:
            step()
            db.session.commit()
            assert months_kept() == months_by_hand()
        by_hand = months_by_hand()
        db.session.execute(MonthlyParticipation.__table__.delete())  # lost, or never kept
        db.session.execute(update(Thread).values(first_reply_at=None))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["forum", "recount"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert months_kept() == by_hand


@pytest.mark.parametrize(
    ("members", "genders", "shown"),
    [
        # One small cell beside a total shown: the next-smallest goes too, or 12 − 9 gives it.
        (12, {"woman": 3, "man": 9}, {"woman": None, "man": None, "undisclosed": 0, None: 0}),
        (
            14,
            {"woman": 3, "man": 6, None: 5},
            {"woman": None, "man": 6, "undisclosed": 0, None: None},
        ),
        # Two small cells: their sum is known, not how it splits.
        (
            13,
            {"woman": 2, "man": 8, None: 3},
            {"woman": None, "man": 8, "undisclosed": 0, None: None},
        ),
        (10, {"woman": 5, "man": 5}, {"woman": 5, "man": 5, "undisclosed": 0, None: 0}),
        # A total too small is hidden, and so is every cell of it but the empty ones.
        (3, {"woman": 1, None: 2}, {"woman": None, "man": 0, "undisclosed": 0, None: None}),
    ],
)
def test_small_cells_of_the_breakdowns_are_suppressed(members, genders, shown):
    figures = queries.Figures(active_members=members, genders=genders,
                              job_categories={None: members})  # fmt: skip
    queries._suppress(figures)
    assert figures.genders == shown
    assert figures.job_categories[None] == (members if members >= 5 else None)
    assert set(figures.job_categories.values()) <= {0, members if members >= 5 else None}


def test_the_breakdowns_reach_the_csv_and_the_command(app, client, login, generated, admin):
    login(admin)
    client.get("/language/en")
    raw = client.get("/reports.csv?by=month&start=2026-01-01&end=2026-03-31").get_data()
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    headers = table[0]
    assert len(set(headers)) == len(headers)  # the JSON report keys its figures by header
    for label in ("Woman", "Man", "Prefer not to say", "gender not given",
                  "Finance and accounting", "job category not given"):  # fmt: skip
        assert f"Active members: {label}" in headers
    total = headers.index("Active members")
    women = headers.index("Active members: Woman")
    not_given = headers.index("Active members: gender not given")
    for row in table[1:]:
        cells = [row[total], row[women], row[not_given]]
        assert all(cell == "<5" or int(cell) == 0 or int(cell) >= 5 for cell in cells)
    page = client.get("/reports?by=month&start=2026-01-01&end=2026-03-31").get_data(as_text=True)
    assert "Active members by gender and job category" in page
    result = app.test_cli_runner().invoke(
        args=["forum", "report", "monthly", "--month", "2026-02", "--format", "json"]
    )
    figures = json.loads(result.output)["rows"][0]
    assert "Active members: Woman" in figures
    assert {"Active members: gender not given", "Active members: job category not given"} <= set(
        figures
    )
