"""The JSON API: tokens, errors, languages, cursors, conditional reads, and writes that go
through the web's actions (forum.api)."""

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.api.tokens import LAST_USED_PRECISION
from forum.attachments import actions as attachment_actions
from forum.clock import utcnow
from forum.extensions import db
from forum.models import (
    Flag,
    Notification,
    PersonalToken,
    Post,
    PostRevision,
    Status,
    TaskForceMember,
    Thread,
    User,
)
from forum.notifications import notify
from tests import attachment_files
from tests.api_helpers import call, make_token
from tests.factories import make_person, make_reply, make_thread, submit
from tests.test_query_counts import add_threads, counting

SECRET_TITLE = "سر الفريق المالي"


@pytest.fixture
def public_thread(app, other_member):
    with app.app_context():
        thread = make_thread(other_member.id, title="سؤال عام عن الموازنة")
        make_reply(other_member.id, thread, body="رد أول")
        return thread.id


@pytest.fixture
def secret_thread(app, task_force_member):
    with app.app_context():
        return make_thread(task_force_member.id, "tf-financial-experts", title=SECRET_TITLE).id


# Tokens -------------------------------------------------------------------------------------


def test_a_member_makes_a_token_shown_once_and_stored_hashed(app, client, login, member):
    login(member)
    response = submit(client, "/settings/tokens", {"name": "موقع البلدية", "scopes": "read"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    secret = page.split('id="new-token">')[1].split("<")[0]
    assert secret.startswith("tbd_") and len(secret) > 40
    with app.app_context():
        token = db.session.scalar(select(PersonalToken).where(PersonalToken.user_id == member.id))
        assert token.name == "موقع البلدية" and token.scope_set == {"read"}
        assert secret not in token.token_digest and len(token.token_digest) == 64
        assert token.last_used_at is None
    # Shown once: the list shows the name, never the secret again.
    listed = client.get("/settings/tokens").get_data(as_text=True)
    assert "موقع البلدية" in listed and secret not in listed
    assert call(client, "GET", "/api/v1/notifications", secret).status_code == 200
    with app.app_context():
        assert db.session.get(PersonalToken, token.id).last_used_at is not None


def test_revoking_a_token_closes_it_at_once(app, client, login, member):
    with app.app_context():
        secret = make_token(member.id)
        token_id = db.session.scalar(select(PersonalToken.id))
    assert call(client, "GET", "/api/v1/notifications", secret).status_code == 200
    login(member)
    response = submit(
        client, f"/settings/tokens/{token_id}/revoke", {}, form_page="/settings/tokens"
    )
    assert response.status_code == 302
    refused = call(client, "GET", "/api/v1/notifications", secret)
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "revoked_token"
    assert refused.headers["WWW-Authenticate"] == "Bearer"


def test_someone_elses_token_cannot_be_revoked(app, client, login, member, other_member):
    with app.app_context():
        make_token(other_member.id)
        token_id = db.session.scalar(select(PersonalToken.id))
    login(member)
    token = (
        client.get("/settings/tokens")
        .get_data(as_text=True)
        .split('name="csrf_token" type="hidden" value="')[-1]
        .split('"')[0]
    )
    response = client.post(f"/settings/tokens/{token_id}/revoke", data={"csrf_token": token})
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(PersonalToken, token_id).revoked_at is None


def test_a_token_form_needs_its_csrf_token(client, login, member):
    login(member)
    assert client.post("/settings/tokens", data={"name": "x", "scopes": "read"}).status_code == 400


@pytest.mark.parametrize(
    ("state", "code"), [("revoked", "revoked_token"), ("expired", "expired_token")]
)
def test_revoked_and_expired_tokens_open_nothing(app, client, member, state, code):
    with app.app_context():
        secret = make_token(member.id, state=state)
    response = call(client, "GET", "/api/v1/boards", secret)
    assert response.status_code == 401 and response.get_json()["error"]["code"] == code
    assert (
        call(client, "GET", "/api/v1/boards", "tbd_nothing").get_json()["error"]["code"]
        == "invalid_token"
    )
    assert (
        call(client, "GET", "/api/v1/boards", headers={"Authorization": "Basic eDp5"}).status_code
        == 401
    )


def test_a_suspended_members_token_stops_at_once(app, client, member):
    with app.app_context():
        secret = make_token(member.id)
    assert call(client, "GET", "/api/v1/notifications", secret).status_code == 200
    with app.app_context():
        db.session.get(User, member.id).suspended_at = utcnow()
        db.session.commit()
    response = call(client, "GET", "/api/v1/boards", secret)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "inactive_account"


def test_a_member_removed_from_a_task_force_loses_its_board_at_once(
    app, client, task_force_member, secret_thread
):
    with app.app_context():
        secret = make_token(task_force_member.id)
    assert call(client, "GET", f"/api/v1/threads/{secret_thread}", secret).status_code == 200
    with app.app_context():
        db.session.execute(
            TaskForceMember.__table__.delete().where(
                TaskForceMember.user_id == task_force_member.id
            )
        )
        db.session.commit()
    assert call(client, "GET", f"/api/v1/threads/{secret_thread}", secret).status_code == 404
    slugs = [b["slug"] for b in call(client, "GET", "/api/v1/boards", secret).get_json()["boards"]]
    assert "tf-financial-experts" not in slugs


def test_last_used_is_written_at_most_once_a_minute(app, client, member):
    with app.app_context():
        secret = make_token(member.id)
    call(client, "GET", "/api/v1/boards", secret)
    with app.app_context():
        first = db.session.scalar(select(PersonalToken.last_used_at))
    call(client, "GET", "/api/v1/boards", secret)
    with app.app_context():
        assert db.session.scalar(select(PersonalToken.last_used_at)) == first
        token = db.session.scalar(select(PersonalToken))
        token.last_used_at = first - LAST_USED_PRECISION - timedelta(seconds=1)
        db.session.commit()
    call(client, "GET", "/api/v1/boards", secret)
    with app.app_context():
        assert db.session.scalar(select(PersonalToken.last_used_at)) > first - timedelta(seconds=1)


def test_a_read_only_token_cannot_write(app, client, member, public_thread):
    with app.app_context():
        secret = make_token(member.id, scopes=("read",))
    response = call(
        client, "POST", f"/api/v1/threads/{public_thread}/posts", secret, json={"body": "رد"}
    )
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "insufficient_scope"


def test_the_api_ignores_the_session_cookie(app, client, login, member, public_thread):
    """No cookie authentication: a logged-in browser's cookie makes the API see a visitor, so a
    forged cross-site request has nothing to ride on; nor does the remember cookie."""
    submit(client, "/auth/login", {"email": member.email, "password": member.password,
                                   "remember": "y"})  # fmt: skip
    assert client.get_cookie("remember_token") is not None
    client.delete_cookie("session")  # the remember cookie alone logs a browser in again
    assert "/auth/logout" in client.get("/").get_data(as_text=True)
    assert call(client, "GET", "/api/v1/notifications").status_code == 401
    response = call(
        client, "POST", f"/api/v1/threads/{public_thread}/posts", json={"body": "رد مزور"}
    )
    assert response.status_code == 401
    assert "Set-Cookie" not in response.headers
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(Post).where(Post.author_id == member.id)
            )
            == 0
        )


# Errors ---------------------------------------------------------------------------------------


def _error(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


def test_every_error_has_one_shape_and_its_status(
    app, client, member, other_member, public_thread, secret_thread
):
    with app.app_context():
        secret = make_token(member.id)
        others_post = db.session.get(Thread, public_thread).first_post_id
    url = f"/api/v1/threads/{public_thread}/posts"
    assert (
        _error(
            call(client, "POST", url, secret, data="{not json", content_type="application/json"),
            400,
        )["code"]
        == "invalid_json"
    )
    assert _error(call(client, "GET", f"{url[:-6]}?cursor=%21%21", secret), 400)["fields"]["cursor"]
    assert _error(call(client, "POST", url, json={"body": "x"}), 401)["code"] == "unauthenticated"
    assert (
        _error(
            call(client, "PATCH", f"/api/v1/posts/{others_post}", secret, json={"body": "تعديل"}),
            403,
        )["code"]
        == "forbidden"
    )
    assert (
        _error(call(client, "GET", f"/api/v1/threads/{secret_thread}", secret), 404)["code"]
        == "not_found"
    )
    assert _error(call(client, "GET", "/api/v1/threads/99999999999999999999", secret), 404)
    assert _error(call(client, "GET", "/api/v1/no-such-thing", secret), 404)
    assert _error(call(client, "DELETE", "/api/v1/boards", secret), 405)
    huge = {"body": "x" * (app.config["API_MAX_BODY_BYTES"] + 1)}
    assert _error(call(client, "POST", url, secret, json=huge), 413)["code"] == "too_large"
    fields = _error(call(client, "POST", url, secret, json={"body": "  ", "extra": 1}), 422)[
        "fields"
    ]
    assert set(fields) == {"body", "extra"}
    too_long = {"body": "x" * (app.config["BODY_MAX_LENGTH"] + 1)}
    assert "50000" in _error(call(client, "POST", url, secret, json=too_long), 422)["fields"][
        "body"
    ][0].replace(",", "").replace("٬", "")
    flag = {"reason": "spam"}
    reply_id = call(client, "GET", f"/api/v1/threads/{public_thread}").get_json()["posts"][1]["id"]
    assert (
        call(client, "POST", f"/api/v1/posts/{reply_id}/flags", secret, json=flag).status_code
        == 201
    )
    assert (
        _error(call(client, "POST", f"/api/v1/posts/{reply_id}/flags", secret, json=flag), 409)[
            "code"
        ]
        == "conflict"
    )


def test_a_locked_thread_refuses_replies_with_409(app, client, member, public_thread):
    with app.app_context():
        secret = make_token(member.id)
        db.session.get(Thread, public_thread).locked = True
        db.session.commit()
    response = call(
        client, "POST", f"/api/v1/threads/{public_thread}/posts", secret, json={"body": "رد"}
    )
    assert _error(response, 409)["message"] == "هذا الموضوع مقفل."


@pytest.mark.app_config(RATELIMIT_ENABLED=True, RATELIMIT_API="3 per minute")
def test_too_many_requests_answer_429_with_retry_after(app, client, member):
    with app.app_context():
        secret = make_token(member.id)
    for _ in range(3):
        assert call(client, "GET", "/api/v1/tags", secret).status_code == 200
    refused = call(client, "GET", "/api/v1/boards", secret)
    assert _error(refused, 429)["code"] == "too_many_requests"
    assert 1 <= int(refused.headers["Retry-After"]) <= 61
    # Counted per member: a visitor from the same address still has her budget.
    assert call(client, "GET", "/api/v1/tags").status_code == 200


@pytest.mark.app_config(RATELIMIT_ENABLED=True, RATELIMIT_POST_NEW_MEMBER="1 per hour")
def test_posting_through_the_api_spends_the_webs_budget(app, client, login, member, public_thread):
    with app.app_context():
        secret = make_token(member.id)
    url = f"/api/v1/threads/{public_thread}/posts"
    assert call(client, "POST", url, secret, json={"body": "رد أول"}).status_code == 201
    assert _error(call(client, "POST", url, secret, json={"body": "رد ثان"}), 429)
    login(member)
    web = submit(client, f"/t/{public_thread}/reply", {"body": "من المتصفح"})
    assert web.status_code == 429


def test_messages_follow_accept_language_then_the_account(app, client, member):
    with app.app_context():
        secret = make_token(member.id)
        english = make_person(language="en")
        english_secret = make_token(english.id)
    url = "/api/v1/threads/999999"
    assert (
        _error(call(client, "GET", url, secret, headers={"Accept-Language": "en"}), 404)["message"]
        == "Nothing was found at this address."
    )
    arabic = _error(
        call(client, "GET", url, english_secret, headers={"Accept-Language": "ar"}), 404
    )["message"]
    assert arabic != "Nothing was found at this address." and "العنوان" in arabic
    assert (
        _error(call(client, "GET", url, english_secret), 404)["message"]
        == "Nothing was found at this address."
    )
    assert _error(call(client, "GET", url, secret), 404)["message"] == arabic


# Reads: cursors, ordering, conditional answers -------------------------------------------------


def test_board_pages_by_cursor_neither_repeat_nor_skip(app, client, member, other_member):
    with app.app_context():
        for number in range(5):
            make_thread(other_member.id, title=f"موضوع رقم {number}")
    url = "/api/v1/boards/financial-management/threads?limit=2"
    first = call(client, "GET", url)
    body = first.get_json()
    assert [t["title"] for t in body["threads"]] == ["موضوع رقم 4", "موضوع رقم 3"]
    assert first.headers["Link"] == f'<{body["next"]}>; rel="next"'
    with app.app_context():  # a new thread arrives between two pages: it goes first, unseen
        make_thread(other_member.id, title="موضوع جديد")
    seen = [t["title"] for t in body["threads"]]
    while body["next"]:
        body = client.get(body["next"]).get_json()
        seen += [t["title"] for t in body["threads"]]
    assert seen == [f"موضوع رقم {n}" for n in (4, 3, 2, 1, 0)]


def test_a_threads_posts_come_in_thread_order_page_by_page(app, client, other_member, member):
    with app.app_context():
        thread = make_thread(other_member.id)
        first = make_reply(member.id, thread, body="الرد الأول")
        make_reply(member.id, thread, body="الرد الثاني")
        make_reply(other_member.id, thread, body="رد على الأول", parent=first)
        thread_id = thread.id
    body = call(client, "GET", f"/api/v1/threads/{thread_id}?limit=2").get_json()
    assert body["thread"]["title"] == "سؤال عن الموازنة"
    posts = body["posts"]
    while body["next"]:
        body = client.get(body["next"]).get_json()
        posts += body["posts"]
    texts = [p["body_html"] for p in posts]
    assert [
        t.count("الرد الأول") + t.count("رد على الأول") + t.count("الرد الثاني") for t in texts
    ] == [0, 1, 1, 1]
    assert "رد على الأول" in texts[2] and [p["depth"] for p in posts] == [0, 0, 1, 0]


def test_a_posts_files_come_with_it_and_open_for_whoever_reads_the_post(
    app, client, other_member, task_force_member
):
    with app.app_context():
        for slug, author in (("financial-management", other_member),
                             ("tf-financial-experts", task_force_member)):  # fmt: skip
            thread = make_thread(author.id, slug, title=f"ملفات {slug}")
            person = db.session.get(User, author.id)
            picture = attachment_actions.upload(
                person, io.BytesIO(attachment_files.png()), "صورة.png"
            )
            sheet = attachment_actions.upload(person, io.BytesIO(b"a,b\n1,2\n"), "جدول.csv")
            attachment_actions.attach(person, thread.first_post, [picture, sheet])
            db.session.commit()
        public_id, secret_id = (
            db.session.scalar(select(Thread.id).where(Thread.title == f"ملفات {slug}"))
            for slug in ("financial-management", "tf-financial-experts")
        )
    files = call(client, "GET", f"/api/v1/threads/{public_id}").get_json()["posts"][0][
        "attachments"
    ]
    assert [(f["name"], f["media_type"]) for f in files] == [
        ("صورة.png", "image/png"), ("جدول.csv", "text/csv"),
    ]  # fmt: skip
    assert files[0]["thumbnail_url"] and files[1]["thumbnail_url"] is None
    with client.get(files[1]["url"]) as download:
        assert download.status_code == 200 and download.get_data() == b"a,b\n1,2\n"
    # The task force's files: listed to its member, and never opened by anyone else.
    with app.app_context():
        insider = make_token(task_force_member.id)
    secret = call(client, "GET", f"/api/v1/threads/{secret_id}", token=insider).get_json()
    secret_file = secret["posts"][0]["attachments"][1]["url"]
    assert call(client, "GET", f"/api/v1/threads/{secret_id}").status_code == 404
    with client.get(secret_file) as download:
        assert download.status_code == 404


def test_reads_carry_etag_and_last_modified_and_answer_304(
    app, client, other_member, public_thread
):
    url = f"/api/v1/threads/{public_thread}"
    first = call(client, "GET", url)
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert "Authorization" in first.headers["Vary"] and "Accept-Language" in first.headers["Vary"]
    again = call(client, "GET", url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    since = call(client, "GET", url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 200  # only the ETag earns a 304
    with app.app_context():
        make_reply(other_member.id, db.session.get(Thread, public_thread), body="رد جديد")
    changed = call(client, "GET", url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    # A change with no date of its own (a lock), asked by date alone: the answer, never a
    # stale 304 (no worker can date it for the others).
    dated = changed.headers["Last-Modified"]
    with app.app_context():
        db.session.get(Thread, public_thread).locked = True
        db.session.commit()
    locked = call(client, "GET", url, headers={"If-Modified-Since": dated})
    assert locked.status_code == 200
    assert locked.get_json()["thread"]["locked"] is True


def test_api_answers_are_never_kept_by_the_page_cache(app, client, member):
    with app.app_context():
        secret = make_token(member.id)
    for _ in range(2):
        response = call(client, "GET", "/api/v1/boards", secret)
        assert "X-Page-Cache" not in response.headers
        assert response.headers["Cache-Control"] == "private, no-cache"


def test_search_finds_only_what_the_caller_may_read(app, client, task_force_member, secret_thread):
    with app.app_context():
        insider = make_token(task_force_member.id)
    assert call(client, "GET", "/api/v1/search?q=الفريق").get_json()["hits"] == []
    hits = call(client, "GET", "/api/v1/search?q=الفريق", insider).get_json()["hits"]
    assert [hit["thread_id"] for hit in hits] == [secret_thread]
    assert _error(call(client, "GET", "/api/v1/search?q=%21%21"), 422)["fields"]["q"]


def test_notifications_are_the_callers_own(app, client, member, other_member, public_thread):
    with app.app_context():
        thread = db.session.get(Thread, public_thread)
        mine = notify(member.id, "thread_approved", thread=thread).id
        notify(other_member.id, "thread_approved", thread=thread)
        db.session.commit()
        secret = make_token(member.id)
    body = call(client, "GET", "/api/v1/notifications", secret).get_json()
    assert [n["id"] for n in body["notifications"]] == [mine] and body["unread"] == 1
    assert call(client, "POST", "/api/v1/notifications/read", secret, json={}).status_code == 200
    with app.app_context():
        unread = (
            select(func.count()).select_from(Notification).where(Notification.read_at.is_(None))
        )
        assert db.session.scalar(unread) == 1  # the other member's


# Writes go through the web's actions --------------------------------------------------------------


def test_a_new_members_thread_waits_in_the_moderation_queue(app, client, login, member, moderator):
    with app.app_context():
        secret = make_token(member.id)
    created = call(
        client,
        "POST",
        "/api/v1/boards/financial-management/threads",
        secret,
        json={
            "title": "سؤال من برنامج",
            "kind": "question",
            "body": "نص السؤال",
            "tags": ["water"],
        },
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    thread = created.get_json()
    assert thread["status"] == "pending" and thread["board"] == "financial-management"
    assert call(client, "GET", f"/api/v1/threads/{thread['id']}").status_code == 404
    login(moderator)
    assert "سؤال من برنامج" in client.get("/mod/queue").get_data(as_text=True)
    with app.app_context():
        saved = db.session.get(Thread, thread["id"])
        assert saved.status == Status.PENDING and "نص السؤال" in saved.first_post.body_html


def test_a_trusted_member_publishes_at_once_and_tags_are_checked(app, client, member):
    with app.app_context():
        db.session.get(User, member.id).approved_post_count = 10
        db.session.commit()
        secret = make_token(member.id)
    url = "/api/v1/boards/financial-management/threads"
    wrong = call(
        client, "POST", url, secret, json={"title": "عنوان", "body": "نص", "tags": ["nope"]}
    )
    assert "nope" in _error(wrong, 422)["fields"]["tags"][0]
    made = call(client, "POST", url, secret, json={"title": "عنوان كاف", "body": "نص"}).get_json()
    assert made["status"] == "published"
    assert made["id"] in [t["id"] for t in call(client, "GET", url).get_json()["threads"]]


def test_replying_editing_and_flagging(app, client, member, other_member, public_thread):
    with app.app_context():
        secret = make_token(member.id)
        other = make_token(other_member.id)
        opening = db.session.get(Thread, public_thread).first_post_id
    reply = call(
        client,
        "POST",
        f"/api/v1/threads/{public_thread}/posts",
        secret,
        json={"body": "رد عبر الواجهة", "parent_id": opening},
    )
    assert reply.status_code == 201
    post = reply.get_json()
    assert post["parent_id"] == opening and post["depth"] == 1 and post["state"] == "published"
    edited = call(client, "PATCH", f"/api/v1/posts/{post['id']}", secret, json={"body": "رد معدل"})
    assert edited.status_code == 200 and "رد معدل" in edited.get_json()["body_html"]
    flagged = call(
        client, "POST", f"/api/v1/posts/{post['id']}/flags", other, json={"reason": "off_topic"}
    )
    assert flagged.status_code == 201
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PostRevision)) == 1
        assert (
            db.session.scalar(select(Flag.reason).where(Flag.post_id == post["id"])) == "off_topic"
        )
    other_thread = call(
        client,
        "POST",
        f"/api/v1/threads/{public_thread}/posts",
        secret,
        json={"body": "رد", "parent_id": 999999},
    )
    assert _error(other_thread, 422)["fields"]["parent_id"]


def test_the_asker_accepts_an_answer(app, client, member, other_member, public_thread):
    with app.app_context():
        asker = make_token(other_member.id)
        stranger = make_token(member.id)
        reply_id = db.session.scalar(
            select(Post.id).where(Post.thread_id == public_thread).order_by(Post.id.desc())
        )
    assert _error(call(client, "POST", f"/api/v1/posts/{reply_id}/accept", stranger), 403)
    accepted = call(client, "POST", f"/api/v1/posts/{reply_id}/accept", asker)
    assert accepted.status_code == 200 and accepted.get_json()["accepted_post_id"] == reply_id
    cleared = call(client, "DELETE", f"/api/v1/threads/{public_thread}/answer", asker)
    assert cleared.get_json()["accepted_post_id"] is None


# The reference page ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "heading"), [("ar", "مرجع الواجهة البرمجية"), ("en", "API reference")]
)
def test_the_reference_page_is_served_here_in_both_languages(client, language, heading):
    client.get(f"/language/{language}")
    page = client.get("/api/docs").get_data(as_text=True)
    assert heading in page and 'id="show_thread"' in page and "ThreadWithPosts" in page
    # Nothing fetched from elsewhere: every script, style and font is the forum's own.
    assert not re.search(r'(src|href)="(https?:)?//', page)


# Cost ------------------------------------------------------------------------------------------


def test_api_reads_cost_the_same_queries_whatever_the_size(app, client, member, other_member):
    """Counts, not timings: a list or a thread page costs the same with more rows."""
    with app.app_context():
        secret = make_token(member.id)
    call(client, "GET", "/api/v1/boards", secret)  # the token's last use is written once here
    counts = []
    for threads, replies in ((2, 2), (25, 25)):
        thread_id = add_threads(app, other_member.id, threads, replies=replies)
        with counting(app) as statements:
            for url in ("/api/v1/boards", "/api/v1/boards/financial-management/threads",
                        f"/api/v1/threads/{thread_id}"):  # fmt: skip
                assert call(client, "GET", url, secret).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 20
