"""The local authorities' pages: figures counted by the database, equal to what the test
counts itself, and never counting or showing what the reader may not read."""

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import BoardParticipation, Post, Thread, User
from forum.moderation import actions as moderation
from forum.outcomes import actions as outcomes
from forum.threads import actions as threads
from tests.factories import (
    board_by_slug,
    make_authority,
    make_person,
    make_reply,
    make_thread,
)

BOARD = "financial-management"
SECRET_BOARD = "tf-financial-experts"


@pytest.fixture
def world(app):
    """Two authorities. Jenin's members write in public and in a restricted board, answer a
    question, publish a story that Tubas adopts, and sit on a task force."""
    with app.app_context():
        jenin = make_authority("بلدية جنين", "Jenin Municipality", governorate="jenin").id
        tubas = make_authority("مجلس قروي طوباس", "Tubas Village Council", governorate="tubas",
                               kind="village_council").id  # fmt: skip
        writer = make_person(authority_id=jenin, name="كاتب جنين")
        insider = make_person(authority_id=jenin, name="عضو الفريق", task_force="financial-experts")
        asker = make_person(authority_id=tubas, name="سائل طوباس")
        make_person(authority_id=jenin, name="عضو معطل")
        with db.session.no_autoflush:
            db.session.scalars(
                select(User).where(User.display_name == "عضو معطل")
            ).one().active = False
        db.session.commit()

        question = make_thread(asker.id, BOARD, title="سؤال من طوباس")
        answer = make_reply(writer.id, question, body="جواب من جنين")
        make_reply(writer.id, question, body="رد ثان من جنين")
        outcomes.accept_answer(db.session.get(User, asker.id), answer)
        story = make_thread(writer.id, BOARD, title="قصة نجاح جنين", kind="success_story")
        outcomes.adopt_story(db.session.get(User, asker.id), story, note="طبقناها في طوباس")
        secret = make_thread(insider.id, SECRET_BOARD, title="موضوع الفريق السري")
        make_reply(insider.id, secret, body="رد سري")
        newcomer = make_person(authority_id=jenin, name="عضو جديد")
        pending = make_thread(newcomer.id, BOARD, title="موضوع معلق", published=False)
        db.session.commit()
        assert pending.status == "pending"
        return {"jenin": jenin, "tubas": tubas, "insider": insider, "writer": writer}


def expected_figures():
    """Counted by hand from the world above: (members, threads, replies, answers, adoptions)."""
    outsider = {"jenin": (3, 1, 2, 1, 0), "tubas": (1, 1, 0, 0, 1)}
    return outsider, {**outsider, "jenin": (3, 2, 3, 1, 0)}


def figures_row(html, name):
    """The five figures after an authority's name in the list's table."""
    row = html[html.index(name) :]
    row = row[: row.index("</tr>")]
    cells = [cell.split("<")[0] for cell in row.split("<td>")[2:]]
    return tuple(int(cell) for cell in cells)


def test_the_list_groups_by_governorate_and_counts_what_the_reader_may_read(
    app, client, login, world
):
    outsider, insider = expected_figures()
    english = {"Accept-Language": "en"}
    visitor = client.get("/authorities", headers=english).get_data(as_text=True)
    assert visitor.index("Jenin</h2>") < visitor.index("Jenin Municipality")
    assert "Village council" in visitor
    for key, name in (("jenin", "Jenin Municipality"), ("tubas", "Tubas Village Council")):
        assert figures_row(visitor, name) == outsider[key], name

    reader = login(world["insider"], on=app.test_client())
    page = reader.get("/authorities").get_data(as_text=True)  # the member reads Arabic
    for key, name in (("jenin", "بلدية جنين"), ("tubas", "مجلس قروي طوباس")):
        assert figures_row(page, name) == insider[key], name


def test_an_authority_page_shows_what_its_members_did(app, client, login, world):
    url = f"/authorities/{world['jenin']}"
    html = client.get(url).get_data(as_text=True)
    assert "كاتب جنين" in html and "عضو الفريق" in html and "عضو معطل" not in html
    assert "سؤال من طوباس" in html  # the question it answered
    assert "قصة نجاح جنين" in html
    assert "فريق عمل الخبراء الماليين" in html  # its task force, by name only
    assert "موضوع الفريق السري" not in html and "موضوع معلق" not in html
    insider = login(world["insider"], on=app.test_client())
    assert "موضوع الفريق السري" in insider.get(url).get_data(as_text=True)

    adopter = client.get(f"/authorities/{world['tubas']}").get_data(as_text=True)
    assert "قصة نجاح جنين" in adopter and "طبقناها في طوباس" in adopter
    assert client.get("/authorities/999999").status_code == 404


def test_a_story_moved_to_a_restricted_board_leaves_the_counts(app, client, world):
    with app.app_context():
        story = db.session.scalar(select(Thread).where(Thread.title == "قصة نجاح جنين"))
        story.board_id = db.session.scalar(
            select(Thread.board_id).where(Thread.title == "موضوع الفريق السري")
        )
        db.session.commit()
    html = client.get("/authorities", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert figures_row(html, "Tubas Village Council")[4] == 0  # its adoption is no longer seen
    assert "قصة نجاح جنين" not in client.get(f"/authorities/{world['tubas']}").get_data(
        as_text=True
    )


def counted_by_hand():
    """{(member, board): [threads, replies]} from every thread and post, in Python."""
    counts = {}
    for thread in db.session.scalars(select(Thread).where(Thread.status == "published")):
        counts.setdefault((thread.author_id, thread.board_id), [0, 0])[0] += 1
        for post in db.session.scalars(select(Post).where(Post.thread_id == thread.id)):
            shown = post.status == "published" and not post.deleted_at and not post.hidden_at
            if shown and post.id != thread.first_post_id:
                counts.setdefault((post.author_id, thread.board_id), [0, 0])[1] += 1
    return counts


def kept():
    return {
        (row.user_id, row.board_id): [row.threads, row.replies]
        for row in db.session.scalars(select(BoardParticipation))
    }


def test_kept_counts_follow_every_action_and_equal_a_recount(app, world, admin):
    with app.app_context():
        moderator = db.session.get(User, admin.id)
        writer = db.session.get(User, world["writer"].id)
        assert kept() == counted_by_hand() != {}
        question = db.session.scalar(select(Thread).where(Thread.title == "سؤال من طوباس"))
        extra = make_reply(writer.id, question, body="رد ثالث من جنين")
        assert kept() == counted_by_hand()
        steps = (
            lambda: threads.delete_post(moderator, extra, reason="مكرر"),
            lambda: threads.restore_post(moderator, extra, reason="خطأ"),
            lambda: moderation.hide_post(moderator, extra, reason="مراجعة"),
            lambda: moderation.unhide_post(moderator, extra, reason="مراجعة"),
            lambda: moderation.move_thread(moderator, question, board_by_slug(SECRET_BOARD)),
            lambda: threads.delete_thread(moderator, question, reason="مكرر"),
            lambda: threads.restore_thread(moderator, question, reason="خطأ"),
        )
        for step in steps:
            before = kept()
            step()
            db.session.commit()
            assert kept() == counted_by_hand()
            assert kept() != before  # every step changes some member's figures
        by_hand = counted_by_hand()
        db.session.execute(BoardParticipation.__table__.delete())  # lost, or never kept
        assert threads.recount_participation() == len(by_hand)
        assert kept() == by_hand


def test_flask_forum_recount_rebuilds_the_kept_counts(app, world):
    with app.app_context():
        by_hand = counted_by_hand()
        db.session.execute(BoardParticipation.__table__.delete())
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["forum", "recount"])
    assert result.exit_code == 0, result.output
    assert f"{len(by_hand)} rows" in result.output
    with app.app_context():
        assert kept() == by_hand
