"""Bad input gets a clear, localised answer, and nothing is half-saved."""

import re

import pytest
from sqlalchemy import func, select

from forum import events
from forum.extensions import db
from forum.models import Post, Thread
from tests.factories import make_thread, submit

NEW_THREAD = "/t/new?board=financial-management"


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "body": "نص"}, "هذا الحقل مطلوب."),
        ({"title": "   ", "body": "نص"}, "هذا الحقل مطلوب."),
        ({"title": "ع" * 201, "body": "نص"}, "الحد الأقصى 200 حرفًا (كتبت 201)."),
        ({"title": "عنوان جيد", "body": ""}, "هذا الحقل مطلوب."),
        ({"title": "عنوان جيد", "body": "x" * 50_001}, "الحد الأقصى 50000 حرفًا"),
    ],
)
def test_bad_thread_input_is_refused_in_arabic_and_nothing_saved(app, client, login, member, data,
                                                                 message):  # fmt: skip
    login(member)
    response = submit(client, NEW_THREAD, {"kind": "question", **data})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(app, Thread) == 0


def test_unknown_board_is_404(client, login, member):
    login(member)
    assert client.get("/t/new?board=no-such-board").status_code == 404
    assert client.get("/b/no-such-board").status_code == 404


def test_unknown_kind_is_refused(app, client, login, member):
    login(member)
    response = submit(client, NEW_THREAD, {"title": "عنوان", "kind": "poll", "body": "نص"})
    assert response.status_code == 422
    assert _count(app, Thread) == 0
    # wtforms' own message, from its catalog for the reader's language (forum.forms).
    assert "اختيار غير صحيح." in response.get_data(as_text=True)
    client.post("/language", data={"language": "en", "csrf_token": _token(response)})
    response = submit(client, NEW_THREAD, {"title": "Title", "kind": "poll", "body": "Text"})
    assert "Not a valid choice." in response.get_data(as_text=True)


def _token(response):
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))[1]


def test_preview_renders_without_saving(app, client, login, member):
    login(member)
    response = submit(
        client,
        NEW_THREAD,
        {"title": "عنوان", "kind": "question", "body": "**غامق**", "preview": "1"},
    )
    assert response.status_code == 200
    assert "<strong>غامق</strong>" in response.get_data(as_text=True)
    assert _count(app, Thread) == 0


def test_empty_reply_is_refused(app, client, login, member):
    with app.app_context():
        thread_id = make_thread(member.id).id
    login(member)
    response = submit(client, f"/t/{thread_id}/reply", {"body": "  "})
    assert response.status_code == 422
    assert "هذا الحقل مطلوب." in response.get_data(as_text=True)
    assert _count(app, Post) == 1


def test_reply_to_a_post_of_another_thread_is_404(app, client, login, member):
    with app.app_context():
        first = make_thread(member.id)
        other = make_thread(member.id, title="موضوع آخر")
        first_id, foreign_post = first.id, other.first_post_id
    login(member)
    assert client.get(f"/t/{first_id}/reply?to={foreign_post}").status_code == 404


def test_a_failure_midway_saves_nothing(app, client, login, member):
    """The thread and its opening post are one transaction."""

    def fail(post):
        raise RuntimeError("index unavailable")

    login(member)
    token_page = client.get(NEW_THREAD).get_data(as_text=True)
    token = token_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    events.post_created.connect(fail)
    try:
        with pytest.raises(RuntimeError):
            client.post(NEW_THREAD, data={"title": "عنوان", "kind": "question", "body": "نص",
                                          "csrf_token": token})  # fmt: skip
    finally:
        events.post_created.disconnect(fail)
    assert _count(app, Thread) == 0
    assert _count(app, Post) == 0


def test_other_members_post_cannot_be_edited(app, client, login, member, other_member):
    with app.app_context():
        post_id = make_thread(member.id).first_post_id
    login(other_member)
    assert client.get(f"/p/{post_id}/edit").status_code == 403
