"""Outcomes of threads through the forms: accepted answers, challenge statuses, adoptions of
success stories, their history, and the board list's "answered" filter."""

import pytest
from sqlalchemy import select

from forum import events
from forum.extensions import db
from forum.models import Adoption, ModerationLog, OutcomeChange, Status, Thread, ThreadOutcome
from forum.outcomes import actions
from tests.factories import make_authority, make_person, make_reply, make_thread, submit

BOARD = "financial-management"


@pytest.fixture
def question(app, member, other_member):
    """A question by `member` with two replies by `other_member`: (thread id, reply ids)."""
    with app.app_context():
        thread = make_thread(member.id, BOARD, title="كيف نحصّل ضريبة الأملاك؟")
        replies = [make_reply(other_member.id, thread, body=f"جواب {n}").id for n in (1, 2)]
        return thread.id, replies


def outcome(app, thread_id):
    with app.app_context():
        return db.session.get(ThreadOutcome, thread_id)


def history(app, thread_id):
    with app.app_context():
        changes = db.session.scalars(
            select(OutcomeChange).where(OutcomeChange.thread_id == thread_id)
        )
        return [(c.kind, c.from_value, c.to_value) for c in changes]


# Questions ----------------------------------------------------------------------------------


def test_the_asker_accepts_changes_and_clears_the_answer(app, client, login, member, question):
    thread_id, (first, second) = question
    login(member)
    page = f"/t/{thread_id}"
    assert submit(client, f"/p/{first}/accept", {}, form_page=page).status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "accepted-answer" in html and f'href="/p/{first}"' in html
    assert outcome(app, thread_id).accepted_post_id == first

    submit(client, f"/p/{second}/accept", {}, form_page=page)
    assert outcome(app, thread_id).accepted_post_id == second
    submit(client, f"/t/{thread_id}/answer/clear", {}, form_page=page)
    assert outcome(app, thread_id).accepted_post_id is None

    assert history(app, thread_id) == [
        ("answer", "", str(first)), ("answer", str(first), str(second)), ("answer", str(second), "")
    ]  # fmt: skip
    html = client.get(page).get_data(as_text=True)
    assert html.count('class="outcome-history"') == 1 and html.count("<li>\n          <time") >= 3


def test_a_moderator_accepts_for_the_asker_and_the_log_says_so(
    app, client, login, moderator, question
):
    thread_id, (first, _) = question
    login(moderator)
    assert submit(client, f"/p/{first}/accept", {}, form_page=f"/t/{thread_id}").status_code == 302
    assert outcome(app, thread_id).accepted_post_id == first
    with app.app_context():
        logged = db.session.scalar(
            select(ModerationLog.action).where(ModerationLog.post_id == first)
        )
    assert logged == "accept_answer"


def test_a_stranger_may_not_accept_and_sees_no_button(
    app, client, login, question, task_force_member
):
    thread_id, (first, _) = question
    login(task_force_member)
    assert f"/p/{first}/accept" not in client.get(f"/t/{thread_id}").get_data(as_text=True)
    response = submit(client, f"/p/{first}/accept", {}, form_page=f"/t/{thread_id}")
    assert response.status_code == 403
    assert outcome(app, thread_id) is None


def test_the_asker_sees_the_button_under_replies_only(app, client, login, member, question):
    thread_id, (first, second) = question
    login(member)
    html = client.get(f"/t/{thread_id}").get_data(as_text=True)
    assert f'action="/p/{first}/accept"' in html and f'action="/p/{second}/accept"' in html
    with app.app_context():
        opening = db.session.get(Thread, thread_id).first_post_id
    assert f'action="/p/{opening}/accept"' not in html


def test_neither_the_question_nor_an_unpublished_reply_is_an_answer(app, member, question):
    thread_id, (first, _) = question
    with app.test_request_context():  # the refusals are messages in the reader's language
        thread = db.session.get(Thread, thread_id)
        asker = thread.author
        with pytest.raises(actions.OutcomeError):
            actions.accept_answer(asker, thread.first_post)
        reply = db.session.get(type(thread.first_post), first)
        reply.status = Status.PENDING
        with pytest.raises(actions.OutcomeError):
            actions.accept_answer(asker, reply)


def test_only_questions_take_an_answer(app, client, login, member, other_member):
    with app.app_context():
        thread = make_thread(member.id, BOARD, kind="discussion")
        reply = make_reply(other_member.id, thread).id
    login(member)
    assert submit(client, f"/p/{reply}/accept", {}, form_page="/settings").status_code == 403


def test_the_board_lists_and_filters_answered_questions(app, client, member, other_member):
    with app.app_context():
        answered = make_thread(member.id, BOARD, title="سؤال مجاب")
        reply = make_reply(other_member.id, answered)
        open_question = make_thread(member.id, BOARD, title="سؤال مفتوح").id
        make_thread(member.id, BOARD, title="نقاش عام", kind="discussion")
        actions.accept_answer(answered.author, reply)
        db.session.commit()

    def titles(query):
        html = client.get(f"/b/{BOARD}{query}").get_data(as_text=True)
        return {t for t in ("سؤال مجاب", "سؤال مفتوح", "نقاش عام") if t in html}

    assert titles("") == {"سؤال مجاب", "سؤال مفتوح", "نقاش عام"}
    assert titles("?kind=question&state=answered") == {"سؤال مجاب"}
    assert titles("?kind=question&state=unanswered") == {"سؤال مفتوح"}
    assert titles("?kind=question") == {"سؤال مجاب", "سؤال مفتوح"}
    # The state filters questions only; on another kind it is ignored.
    assert titles("?kind=discussion&state=answered") == {"نقاش عام"}
    english = client.get(f"/b/{BOARD}?kind=question", headers={"Accept-Language": "en"})
    assert "badge-answered" in english.get_data(as_text=True)
    assert outcome(app, open_question) is None  # an unanswered question has no outcome row


def test_accepting_an_answer_drops_the_visitors_cached_pages(app, client, member, question):
    thread_id, (first, _) = question
    for url in (f"/t/{thread_id}", f"/b/{BOARD}"):
        client.get(url)
        assert client.get(url).headers["X-Page-Cache"] == "hit"
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        actions.accept_answer(thread.author, db.session.get(type(thread.first_post), first))
        db.session.commit()
    page = client.get(f"/t/{thread_id}")
    assert page.headers["X-Page-Cache"] == "miss"
    assert "accepted-answer" in page.get_data(as_text=True)
    board = client.get(f"/b/{BOARD}")
    assert board.headers["X-Page-Cache"] == "miss"
    assert "badge-answered" in board.get_data(as_text=True)


def test_every_change_is_announced(app, question):
    thread_id, (first, _) = question
    heard = []

    def listener(change, thread):
        heard.append((change.kind, change.to_value, thread.id))

    events.outcome_changed.connect(listener)
    try:
        with app.app_context():
            thread = db.session.get(Thread, thread_id)
            actions.accept_answer(thread.author, db.session.get(type(thread.first_post), first))
    finally:
        events.outcome_changed.disconnect(listener)
    assert heard == [("answer", str(first), thread_id)]


# Challenges ---------------------------------------------------------------------------------


@pytest.fixture
def challenge(app, member, other_member):
    with app.app_context():
        thread = make_thread(member.id, BOARD, title="تحدي جمع النفايات", kind="challenge")
        return thread.id, make_reply(other_member.id, thread, body="الحل هنا").id


def test_the_author_moves_a_challenge_to_resolved_with_a_note_and_the_solution(
    app, client, login, member, challenge
):
    thread_id, reply = challenge
    login(member)
    url = f"/t/{thread_id}/status"
    assert submit(client, url, {"status": "in_progress", "note": ""}).status_code == 302
    response = submit(client, url, {"status": "resolved", "note": "حُلّ بالشراكة",
                                    "solution": f"http://localhost/p/{reply}"})  # fmt: skip
    assert response.status_code == 302
    found = outcome(app, thread_id)
    assert (found.challenge_status, found.status_note, found.solution_post_id) == (
        "resolved", "حُلّ بالشراكة", reply
    )  # fmt: skip
    assert history(app, thread_id) == [
        ("status", "open", "in_progress"), ("status", "in_progress", "resolved")
    ]  # fmt: skip
    html = client.get(f"/t/{thread_id}").get_data(as_text=True)
    assert "status-resolved" in html and "حُلّ بالشراكة" in html and f'href="/p/{reply}"' in html
    assert "status-resolved" in client.get(f"/b/{BOARD}").get_data(as_text=True)


def test_a_moderator_closes_a_challenge_and_a_stranger_may_not(
    app, client, login, moderator, task_force_member, challenge
):
    thread_id, _ = challenge
    url = f"/t/{thread_id}/status"
    stranger = login(task_force_member, on=app.test_client())
    assert stranger.get(url).status_code == 403
    login(moderator)
    assert submit(client, url, {"status": "closed", "note": "لا حل"}).status_code == 302
    assert outcome(app, thread_id).challenge_status == "closed"


def test_a_solution_the_member_cannot_read_is_refused(app, client, login, member, challenge):
    thread_id, _ = challenge
    with app.app_context():
        secret = make_thread(
            make_person(task_force="financial-experts").id, "tf-financial-experts", title="سري"
        ).id
    login(member)
    url = f"/t/{thread_id}/status"
    for link in (f"/t/{secret}", "/t/999999", "not a link"):
        response = submit(client, url, {"status": "resolved", "solution": link})
        assert response.status_code == 422, link
    assert outcome(app, thread_id) is None
    # The thread's own address is no solution either.
    assert (
        submit(client, url, {"status": "resolved", "solution": f"/t/{thread_id}"}).status_code
        == 422
    )


# Success stories ----------------------------------------------------------------------------


@pytest.fixture
def story(app):
    """A success story by someone of another local authority than the test roles'."""
    with app.app_context():
        elsewhere = make_authority("بلدية جنين", "Jenin Municipality", governorate="jenin").id
        author = make_person(authority_id=elsewhere)
        thread = make_thread(author.id, BOARD, title="قصة نجاح: الفوترة الإلكترونية",
                             kind="success_story")  # fmt: skip
        return thread.id, author


def test_an_authority_adopts_a_story_once(app, client, login, member, other_member, story):
    thread_id, _ = story
    login(member)
    url = f"/t/{thread_id}/adopt"
    data = {"note": "طبقناها في 2026", "contact": "finance@example.org"}
    assert submit(client, url, data).status_code == 302
    html = client.get(f"/t/{thread_id}").get_data(as_text=True)  # the member reads Arabic
    assert "بلدية الاختبار" in html and "نابلس" in html and "finance@example.org" in html
    assert f'href="{url}"' not in html  # the button is gone for this authority

    # A colleague from the same authority is told it is done already.
    colleague = login(other_member, on=app.test_client())
    assert submit(colleague, url, data).status_code == 422
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Adoption)) == 1
    # Visitors see the authority, not the contact.
    visitor = app.test_client().get(f"/t/{thread_id}").get_data(as_text=True)
    assert "بلدية الاختبار" in visitor and "finance@example.org" not in visitor


def test_the_storys_own_authority_does_not_adopt_it(app, client, login, story):
    thread_id, author = story
    login(author)
    assert client.get(f"/t/{thread_id}/adopt").status_code == 403


def test_an_adoption_is_withdrawn_by_its_author_or_a_moderator_only(
    app, client, login, member, other_member, moderator, story
):
    thread_id, _ = story
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        adopter = db.session.get(type(thread.author), member.id)
        adoption_id = actions.adopt_story(adopter, thread, note="طبقناها").id
        db.session.commit()
    url = f"/adoptions/{adoption_id}/withdraw"
    page = f"/t/{thread_id}"
    stranger = login(other_member, on=app.test_client())
    assert submit(stranger, url, {}, form_page=page).status_code == 403
    login(moderator)
    assert submit(client, url, {}, form_page=page).status_code == 302
    with app.app_context():
        assert db.session.get(Adoption, adoption_id) is None
        logged = db.session.scalar(select(ModerationLog.action))
    assert logged == "withdraw_adoption"
    assert history(app, thread_id) == [("adoption", "", "adopted"), ("adoption", "adopted", "")]
    # Withdrawn, the authority may adopt again.
    again = login(member, on=app.test_client())
    assert submit(again, f"/t/{thread_id}/adopt", {"note": "من جديد"}).status_code == 302
