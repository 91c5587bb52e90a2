"""Hidden and deleted posts stay in their thread as placeholders, so that the replies to them
still answer something; moderators still read them."""

from flask_babel import force_locale
from flask_babel import gettext as _

from forum.clock import utcnow
from forum.extensions import db
from forum.models import Post
from tests import factories

BOARD = "financial-management"


def thread_with_a_removed_post(app, author_id, replier_id, column):
    with app.app_context():
        thread = factories.make_thread(author_id, BOARD)
        removed = factories.make_reply(author_id, thread, body="نص سيختفي")
        answer = factories.make_reply(replier_id, thread, body="جواب على النص", parent=removed)
        post = db.session.get(Post, removed.id)
        setattr(post, column, utcnow())
        db.session.commit()
        return thread.id, removed.id, answer.id


def placeholder(app, column):
    message = {"hidden_at": "This post was hidden by the moderators.",
               "deleted_at": "This post was deleted."}[column]  # fmt: skip
    with app.test_request_context(), force_locale("ar"):
        return _(message)


def test_visitors_see_a_placeholder_and_the_answer_to_it(app, client, member, other_member):
    for column in ("hidden_at", "deleted_at"):
        thread_id, removed_id, answer_id = thread_with_a_removed_post(
            app, member.id, other_member.id, column
        )
        page = client.get(f"/t/{thread_id}").get_data(as_text=True)
        assert f'id="post-{removed_id}"' in page, column
        assert placeholder(app, column) in page, column
        assert "نص سيختفي" not in page, column
        assert "جواب على النص" in page and f'id="post-{answer_id}"' in page, column


def test_the_reply_link_is_not_offered_under_a_placeholder(
    app, login, other_member, member, task_force_member
):
    thread_id, removed_id, _answer = thread_with_a_removed_post(
        app, member.id, other_member.id, "hidden_at"
    )
    reader = login(task_force_member)
    page = reader.get(f"/t/{thread_id}").get_data(as_text=True)
    assert f"to={removed_id}" not in page


def test_moderators_still_read_them(app, login, member, other_member, moderator):
    thread_id, _removed, _answer = thread_with_a_removed_post(
        app, member.id, other_member.id, "hidden_at"
    )
    page = login(moderator).get(f"/t/{thread_id}").get_data(as_text=True)
    assert "نص سيختفي" in page
    assert placeholder(app, "hidden_at") not in page
