"""Typed text survives an old form token and an ended session: the form comes back with it,
and a member sent to log in again finds it in the form afterwards."""

import re

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Draft, PageChange, Post, Thread, User
from tests import factories

BOARD = "financial-management"
TEXT = "نص طويل كتبته العضوة قبل انتهاء الجلسة"


@pytest.fixture
def thread_id(app, other_member):
    with app.app_context():
        return factories.make_thread(other_member.id, BOARD).id


def drafts(app):
    with app.app_context():
        rows = db.session.scalars(select(Draft)).all()
        return [(d.user_id, d.thread_id, d.board_id, d.title, d.body) for d in rows]


def replies_with(app, text):
    with app.app_context():
        return db.session.scalars(select(Post.id).where(Post.body_source == text)).all()


def renew_session_secret(client):
    """What a renewed session does to the page's form token: it no longer matches."""
    with client.session_transaction() as session:
        session["csrf_token"] = "0" * 40


def end_sessions(app, person):
    """Logged out everywhere (a new password, a suspension…): the browser's session ends."""
    with app.app_context():
        db.session.get(User, person.id).end_sessions()
        db.session.commit()


def test_an_old_token_shows_the_form_again_with_the_text(app, client, login, member, thread_id):
    login(member)
    token = factories.csrf_token(client, f"/t/{thread_id}/reply")
    renew_session_secret(client)
    response = client.post(f"/t/{thread_id}/reply", data={"body": TEXT, "csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert TEXT in page and "form-expired" in page
    assert drafts(app) == [(member.id, thread_id, None, "", TEXT)]  # kept server-side too
    # The page's new token sends it.
    new_token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    sent = client.post(f"/t/{thread_id}/reply", data={"body": TEXT, "csrf_token": new_token})
    assert sent.status_code == 302
    assert len(replies_with(app, TEXT)) == 1
    assert drafts(app) == []  # sent at last


def test_other_forms_still_answer_a_plain_400(app, client, login, member, thread_id):
    login(member)
    renew_session_secret(client)
    response = client.post("/settings", data={"display_name": "x", "csrf_token": "old"})
    assert response.status_code == 400


def test_a_reply_after_the_session_ended_is_there_after_logging_in(
    app, client, login, member, thread_id
):
    login(member)
    token = factories.csrf_token(client, f"/t/{thread_id}")
    end_sessions(app, member)
    response = client.post(f"/t/{thread_id}/reply", data={"body": TEXT, "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/auth/login?next=/t/{thread_id}/reply"
    assert drafts(app) == [(member.id, thread_id, None, "", TEXT)]
    assert replies_with(app, TEXT) == []

    back = factories.submit(client, response.headers["Location"],
                            {"email": member.email, "password": member.password})  # fmt: skip
    assert back.headers["Location"] == f"/t/{thread_id}/reply"
    form = client.get(back.headers["Location"]).get_data(as_text=True)
    assert TEXT in form and "draft-restored" in form


def test_a_new_thread_sent_after_logging_out_in_another_tab_is_kept(app, client, login, member):
    login(member)
    url = f"/t/new?board={BOARD}"
    token = factories.csrf_token(client, url)
    factories.submit(client, "/auth/logout", {}, form_page="/auth/logout")
    data = {"title": "عنوان لم يرسل", "kind": "question", "body": TEXT, "csrf_token": token}
    response = client.post(url, data=data)
    assert response.headers["Location"].startswith("/auth/login?next=")
    with app.app_context():
        board_id = factories.board_by_slug(BOARD).id
    assert drafts(app) == [(member.id, None, board_id, "عنوان لم يرسل", TEXT)]
    login(member)
    form = client.get(url).get_data(as_text=True)
    assert TEXT in form and "عنوان لم يرسل" in form
    sent = factories.submit(client, url, {"title": "عنوان لم يرسل", "kind": "question",
                                          "body": TEXT})  # fmt: skip
    assert sent.status_code == 302
    assert drafts(app) == []


def test_a_draft_is_only_its_authors(app, client, login, member, other_member, thread_id):
    login(member)
    token = factories.csrf_token(client, f"/t/{thread_id}")
    end_sessions(app, member)
    client.post(f"/t/{thread_id}/reply", data={"body": TEXT, "csrf_token": token})
    login(other_member)
    assert TEXT not in client.get(f"/t/{thread_id}/reply").get_data(as_text=True)


def test_a_visitor_keeps_nothing_on_the_server(app, client, thread_id):
    token = factories.csrf_token(client, "/auth/login")
    response = client.post(f"/t/{thread_id}/reply", data={"body": TEXT, "csrf_token": token})
    assert response.headers["Location"].startswith("/auth/login")
    assert drafts(app) == []


def test_keeping_a_draft_logs_no_page_change(app, client, login, member, thread_id):
    with app.app_context():
        logged = db.session.scalar(select(func.count()).select_from(PageChange))
    login(member)
    token = factories.csrf_token(client, f"/t/{thread_id}/reply")
    renew_session_secret(client)
    client.post(f"/t/{thread_id}/reply", data={"body": TEXT, "csrf_token": token})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PageChange)) == logged
        assert db.session.get(Thread, thread_id) is not None


def test_a_form_posted_from_another_site_plants_nothing(app, client, login, member, thread_id):
    login(member)
    renew_session_secret(client)
    forged = client.post(f"/t/{thread_id}/reply", data={"body": TEXT, "csrf_token": "forged"},
                         headers={"Origin": "https://evil.example"})  # fmt: skip
    assert forged.status_code == 400 and TEXT not in forged.get_data(as_text=True)
    end_sessions(app, member)
    client.post(f"/t/{thread_id}/reply", data={"body": TEXT},
                headers={"Origin": "https://evil.example"})  # fmt: skip
    assert drafts(app) == []


def test_an_expired_form_for_a_thread_one_may_not_read_is_a_404(
    app, client, login, member, task_force_member
):
    with app.app_context():
        secret = factories.make_thread(task_force_member.id, "tf-financial-experts").id
    login(member)
    renew_session_secret(client)
    response = client.post(f"/t/{secret}/reply", data={"body": TEXT, "csrf_token": "old"},
                           headers={"Origin": "http://localhost"})  # fmt: skip
    assert response.status_code == 404
    assert drafts(app) == []
