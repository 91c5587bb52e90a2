"""An author's pending and rejected threads: listed on her board page and profile, to her and
the moderators only; a rejected thread she edits goes back into the approval queue, logged."""

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import ModerationLog, Thread
from tests.factories import make_thread, submit

BOARD = "financial-management"
TITLE = "موضوع ينتظر الموافقة"


@pytest.fixture
def pending_id(app, member):
    with app.app_context():
        return make_thread(member.id, BOARD, title=TITLE, published=False).id


def reject(app, login, moderator, thread_id, reason="unclear"):
    mod = login(moderator, on=app.test_client())
    response = submit(mod, f"/mod/queue/thread/{thread_id}/reject", {"reason": reason})
    assert response.status_code == 302


def pages(client, author_id):
    return {
        url: client.get(url).get_data(as_text=True) for url in (f"/b/{BOARD}", f"/u/{author_id}")
    }


def test_the_author_sees_her_pending_thread_on_her_board_and_profile(
    app, login, member, pending_id
):
    author = login(member, on=app.test_client())
    for url, page in pages(author, member.id).items():
        assert TITLE in page and "unpublished-row status-pending" in page, url


def test_a_moderator_sees_them_on_her_profile(app, login, member, moderator, pending_id):
    mod = login(moderator, on=app.test_client())
    assert TITLE in mod.get(f"/u/{member.id}").get_data(as_text=True)


def test_no_one_else_sees_them(app, client, login, member, other_member, other_moderator,
                               pending_id):  # fmt: skip
    readers = [client, login(other_member, on=app.test_client()),
               login(other_moderator, on=app.test_client())]  # fmt: skip
    for reader in readers:
        for url, page in pages(reader, member.id).items():
            assert TITLE not in page, url


def test_a_rejected_thread_is_listed_with_its_reason(app, login, member, moderator, pending_id):
    reject(app, login, moderator, pending_id)
    author = login(member, on=app.test_client())
    page = author.get(f"/u/{member.id}").get_data(as_text=True)
    assert "unpublished-row status-rejected" in page and TITLE in page


def test_an_edited_rejected_thread_goes_back_into_the_queue(
    app, login, member, moderator, pending_id
):
    reject(app, login, moderator, pending_id)
    with app.app_context():
        first_post_id = db.session.get(Thread, pending_id).first_post_id
    author = login(member, on=app.test_client())
    thread_page = author.get(f"/t/{pending_id}").get_data(as_text=True)
    assert f"/p/{first_post_id}/edit" in thread_page  # the way to send it again
    response = submit(author, f"/p/{first_post_id}/edit",
                      {"title": TITLE, "body": "تفاصيل إضافية كما طلب المشرف"})  # fmt: skip
    assert response.status_code == 302
    with app.app_context():
        thread = db.session.get(Thread, pending_id)
        assert (thread.status, thread.rejection_reason) == ("pending", None)
        log = db.session.scalars(
            select(ModerationLog).where(ModerationLog.thread_id == pending_id)
        ).all()
        assert [(row.action, row.actor_id) for row in log][-1] == ("resubmit_thread", member.id)
    mod = login(moderator, on=app.test_client())
    assert "تفاصيل إضافية كما طلب المشرف" in mod.get("/mod/queue").get_data(as_text=True)


def test_a_moderators_edit_of_a_rejected_thread_does_not_resubmit_it(
    app, login, member, moderator, pending_id
):
    reject(app, login, moderator, pending_id)
    with app.app_context():
        first_post_id = db.session.get(Thread, pending_id).first_post_id
    mod = login(moderator, on=app.test_client())
    submit(mod, f"/p/{first_post_id}/edit", {"title": TITLE, "body": "نص صححه المشرف"})
    with app.app_context():
        assert db.session.get(Thread, pending_id).status == "rejected"
