"""Threaded discussions end to end through the test client, with CSRF on."""

from sqlalchemy import select

from forum.extensions import db
from forum.models import Post, PostRevision, Thread, User
from forum.threads.actions import publish_thread
from tests.factories import make_person, make_reply, make_thread, make_user, submit


def test_member_starts_thread_replies_to_a_post_edits_and_sees_it_threaded(
    app, client, login, member, other_member, moderator
):
    login(member)
    response = submit(
        client, "/t/new?board=financial-management",
        {"title": "موازنة 2027", "kind": "question", "body": "كيف نعدّ **الموازنة**؟"},
    )  # fmt: skip
    assert response.status_code == 302
    with app.app_context():
        thread = db.session.scalar(select(Thread))
        thread_id, first_post_id = thread.id, thread.first_post_id
        assert thread.status == "pending"  # new threads wait for approval by default
        publish_thread(thread)
        db.session.commit()

    page = client.get(f"/t/{thread_id}")
    assert "<strong>الموازنة</strong>" in page.get_data(as_text=True)

    reply = submit(client, f"/t/{thread_id}/reply", {"body": "رد أول", "parent_id": ""},
                   form_page=f"/t/{thread_id}")  # fmt: skip
    assert reply.status_code == 302
    with app.app_context():
        top_reply = db.session.scalar(select(Post).where(Post.body_source == "رد أول"))
        top_reply_id = top_reply.id

    nested = submit(client, f"/t/{thread_id}/reply?to={top_reply_id}", {"body": "رد متداخل"})
    assert nested.status_code == 302
    with app.app_context():
        child = db.session.scalar(select(Post).where(Post.body_source == "رد متداخل"))
        assert child.parent_id == top_reply_id
        assert child.depth == 1
        child_id = child.id

    edited = submit(client, f"/p/{child_id}/edit", {"body": "رد متداخل بعد التعديل", "title": ""})
    assert edited.status_code == 302
    html = client.get(f"/t/{thread_id}").get_data(as_text=True)
    assert f'class="post depth-1" id="post-{child_id}"' in html
    assert html.index(f'id="post-{top_reply_id}"') < html.index(f'id="post-{child_id}"')
    assert html.index(f'id="post-{first_post_id}"') < html.index(f'id="post-{top_reply_id}"')
    assert "رد متداخل بعد التعديل" in html
    with app.app_context():
        revision = db.session.scalar(select(PostRevision).where(PostRevision.post_id == child_id))
        assert revision.body_source == "رد متداخل"
        assert db.session.get(Thread, thread_id).reply_count == 2


def test_reply_to_locked_thread_is_refused(app, client, login, member):
    with app.app_context():
        thread = make_thread(member.id)
        thread.locked = True
        db.session.commit()
        thread_id = thread.id
    login(member)
    page = client.get(f"/t/{thread_id}/reply")
    assert page.status_code == 403
    assert "مقفل" in page.get_data(as_text=True) or "locked" in page.get_data(as_text=True)


def test_reply_to_missing_thread_is_404(client, login, member):
    login(member)
    assert client.get("/t/999999/reply").status_code == 404


def test_deep_replies_render_flat_with_in_reply_to_link(app, client, member):
    with app.app_context():
        thread = make_thread(member.id)
        parent = None
        for depth in range(7):
            parent = make_reply(member.id, thread, body=f"level {depth}", parent=parent)
        deepest, thread_id = parent.id, thread.id
    html = client.get(f"/t/{thread_id}").get_data(as_text=True)
    assert f'class="post depth-4" id="post-{deepest}"' in html
    assert f'href="/p/{deepest - 1}"' in html


def test_thread_slug_redirects_to_canonical_url(app, client, member):
    with app.app_context():
        thread_id = make_thread(member.id).id
    response = client.get(f"/t/{thread_id}/some-title")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/t/{thread_id}")


def test_an_approved_thread_counts_as_active_from_its_approval(app, member):
    with app.app_context():
        older = make_thread(member.id, title="older, published at once")
        waiting = make_thread(member.id, title="written first, approved later", published=False)
        waiting.created_at = older.created_at.replace(year=older.created_at.year - 1)
        db.session.commit()
        publish_thread(waiting)
        db.session.commit()
        assert waiting.last_activity_at >= older.last_activity_at
        assert waiting.board.last_thread_id == waiting.id


def test_mentions_link_to_the_one_member_with_that_name(app, client, member, other_member):
    """`@[Display Name]` links to the profile of the member with that name; a name nobody has,
    or two members share, stays as written, and a mention inside code is none."""
    with app.app_context():
        for _twin in range(2):  # from before names that look alike were refused
            make_user().display_name = "سامي خليل"
        db.session.commit()
        body = (f"شكرًا @[{member.name}] و @[لا أحد] و @[سامي خليل] "
                f"و `@[{member.name}]`")  # fmt: skip
        thread = make_thread(other_member.id, body=body)
        html, thread_id = thread.first_post.body_html, thread.id
    assert (
        f'<a class="mention" dir="auto" href="/u/{member.id}"' in html
        and f">@{member.name}</a>" in html
    )
    assert html.count('class="mention"') == 1
    assert "@[لا أحد]" in html and "@[سامي خليل]" in html
    assert f'href="/u/{member.id}"' in client.get(f"/t/{thread_id}").get_data(as_text=True)


def test_a_mention_is_rendered_safely(app, member):
    """A display name is text: its markup is escaped inside the link, never kept."""
    with app.app_context():
        crafty = make_person(name='<b onclick="x">زياد</b>')
        body = '@[<b onclick="x">زياد</b>] [a](javascript:alert(1))'
        html = make_thread(member.id, body=body).first_post.body_html
    assert f'<a class="mention" dir="auto" href="/u/{crafty.id}"' in html
    assert "@&lt;b onclick=" in html and "<b" not in html
    assert "javascript:" not in html


def test_thread_pages_count_what_the_reader_sees_and_stop_at_the_last(app, client, login, member):
    """A post waiting for approval is on its author's pages only; past the last page is 404."""
    app.config["POSTS_PER_PAGE"] = 3
    with app.app_context():
        thread = make_thread(member.id)
        for number in range(4):
            make_reply(member.id, thread, body=f"رد رقم {number}")
        make_reply(member.id, thread, body="رد ينتظر").status = "pending"
        db.session.commit()
        thread_id = thread.id
    # A visitor sees 5 posts: two pages, the second with the last two replies.
    second = client.get(f"/t/{thread_id}?page=2").get_data(as_text=True)
    assert "رد رقم 2" in second and "رد رقم 3" in second and "رد رقم 1" not in second
    assert "رد ينتظر" not in second
    assert f"/t/{thread_id}?page=1" in second
    for past_the_end in ("3", "0", "-1"):
        assert client.get(f"/t/{thread_id}?page={past_the_end}").status_code == 404
    assert client.get(f"/t/{thread_id}?page=x").status_code == 200  # not a number: page 1
    # Its author sees 6 posts, the waiting one last on page 2.
    login(member)
    assert "رد ينتظر" in client.get(f"/t/{thread_id}?page=2").get_data(as_text=True)


def test_the_reply_box_is_in_each_readers_language(app, login, member, other_member):
    """Its fields are rendered once per language (forum.templating.rendered_once)."""
    with app.app_context():
        thread_id = make_thread(member.id).id
        db.session.get(User, other_member.id).language = "en"
        db.session.commit()
    arabic, english = login(member, on=app.test_client()), login(other_member, on=app.test_client())
    for _ in range(2):
        page = arabic.get(f"/t/{thread_id}").get_data(as_text=True)
        assert 'value="نشر الرد"' in page and "Post reply" not in page
        page = english.get(f"/t/{thread_id}").get_data(as_text=True)
        assert 'value="Post reply"' in page and "نشر الرد" not in page
    page = f"/t/{thread_id}"
    assert submit(english, f"{page}/reply", {"body": "A reply"}, form_page=page).status_code == 302
