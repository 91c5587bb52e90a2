"""Every edit keeps the earlier text; the history page shows the differences, escaped."""

from sqlalchemy import select

from forum.extensions import db
from forum.models import ModerationLog, PostRevision
from forum.moderation.revisions import changes
from tests.factories import make_reply, make_thread, submit


def test_revisions_are_kept_and_shown_with_their_differences(app, login, member, moderator):
    with app.app_context():
        thread = make_thread(member.id, title="عنوان أول", body="الفقرة الأولى <script>x</script>")
        post_id, thread_id = thread.first_post_id, thread.id
    author = login(member, on=app.test_client())
    submit(
        author,
        f"/p/{post_id}/edit",
        {"title": "عنوان ثان", "body": "الفقرة الثانية <script>x</script>"},
    )
    mod = login(moderator, on=app.test_client())
    submit(mod, f"/p/{post_id}/edit", {"title": "عنوان ثان", "body": "الفقرة الثالثة"})
    with app.app_context():
        revisions = db.session.scalars(select(PostRevision).order_by(PostRevision.id)).all()
        assert [r.body_source for r in revisions] == [
            "الفقرة الأولى <script>x</script>",
            "الفقرة الثانية <script>x</script>",
        ]
        assert [r.title for r in revisions] == ["عنوان أول", "عنوان ثان"]
        assert [r.replaced_by_id for r in revisions] == [member.id, moderator.id]
        logged = db.session.scalars(select(ModerationLog.action)).all()
        assert logged == ["edit_post"]  # only the moderator's edit of someone else's post

    html = author.get(f"/p/{post_id}/history").get_data(as_text=True)
    assert "<del>الأولى</del>" in html and "<ins>الثانية</ins>" in html
    assert "<del>الثانية &lt;script&gt;x&lt;/script&gt;</del><ins>الثالثة</ins>" in html
    assert "<del>عنوان</del>" not in html and "<del>أول</del><ins>ثان</ins>" in html
    assert "<script>x</script>" not in html and "&lt;script&gt;" in html
    assert html.index("<ins>الثالثة</ins>") < html.index("<ins>الثانية</ins>")  # newest first
    assert f"/p/{post_id}/history" in author.get(f"/t/{thread_id}").get_data(as_text=True)


def test_history_is_for_the_author_and_the_boards_moderators(
    app, client, login, member, other_member, moderator, other_moderator, task_force_member,
    other_task_force_member,
):  # fmt: skip
    with app.app_context():
        thread = make_thread(member.id)
        reply = make_reply(member.id, thread, body="رد أول")
        secret = make_thread(task_force_member.id, "tf-financial-experts", body="نص الفريق")
        reply_id, secret_id = reply.id, secret.first_post_id
    author = login(member, on=app.test_client())
    submit(author, f"/p/{reply_id}/edit", {"body": "رد معدل", "title": ""})
    url = f"/p/{reply_id}/history"
    assert author.get(url).status_code == 200
    assert login(moderator, on=app.test_client()).get(url).status_code == 200
    assert login(other_member, on=app.test_client()).get(url).status_code == 403
    assert login(other_moderator, on=app.test_client()).get(url).status_code == 403
    assert client.get(url).status_code == 403
    outsider = login(other_task_force_member, on=app.test_client())
    assert outsider.get(f"/p/{secret_id}/history").status_code == 404


def test_changes_mark_words():
    runs = changes("one two three", "one 2 three four")
    assert [(r.kind, r.text) for r in runs] == [
        ("same", "one "), ("removed", "two"), ("added", "2"), ("same", " three"),
        ("added", " four"),
    ]  # fmt: skip
