"""Abuse limits (forum.limits): logins, registration, resets, posting, previews, flags and the
search limit, each answered 429 with Retry-After and a localised message once over.

The other tests run with the limiter off (tests/conftest.py); these turn it on, each with a
fresh in-memory count, and one with Redis.
"""

import os
from datetime import timedelta

import pytest
import time_machine

from forum.clock import utcnow
from forum.extensions import db
from forum.models import User
from tests.factories import PASSWORD, csrf_token, make_person, make_thread, submit

pytestmark = pytest.mark.app_config(RATELIMIT_ENABLED=True)

TOO_MANY_LOGINS = "محاولات دخول فاشلة كثيرة."
TRY_LATER = "يرجى المحاولة مرة أخرى بعد"


def log_in(client, email, password, **headers):
    token = csrf_token(client, "/auth/login")
    return client.post("/auth/login", data={"email": email, "password": password,
                                            "csrf_token": token}, headers=headers)  # fmt: skip


def assert_limited(response):
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 3601  # the longest window is an hour
    assert TRY_LATER in response.get_data(as_text=True)


# Logins -------------------------------------------------------------------------------------


def test_fifty_wrong_passwords_then_the_right_one_is_not_let_in(client, member):
    answers = [log_in(client, member.email, f"wrong password {n}").status_code for n in range(50)]
    assert answers[:10] == [422] * 10  # RATELIMIT_LOGIN_ACCOUNT: 10 per 15 minutes
    assert set(answers[10:]) == {429}
    right = log_in(client, member.email, PASSWORD)
    assert_limited(right)
    assert TOO_MANY_LOGINS in right.get_data(as_text=True)
    assert int(right.headers["Retry-After"]) > 14 * 60
    assert client.get("/settings").status_code == 302
    # Once the window has passed, the right password works again.
    with time_machine.travel(utcnow() + timedelta(minutes=16), tick=False):
        assert log_in(client, member.email, PASSWORD).status_code == 302


@pytest.mark.app_config(RATELIMIT_LOGIN_ADDRESS="3 per minute")
def test_failed_logins_from_one_address_are_limited_whatever_the_account(client, member):
    for n in range(3):
        assert log_in(client, f"someone{n}@example.org", "wrong password").status_code == 422
    assert_limited(log_in(client, member.email, PASSWORD))


@pytest.mark.app_config(RATELIMIT_LOGIN_ACCOUNT="2 per minute")
def test_successful_logins_do_not_count(client, member):
    for _ in range(4):
        assert log_in(client, member.email, PASSWORD).status_code == 302
        submit(client, "/auth/logout", {}, form_page="/settings")


@pytest.mark.app_config(RATELIMIT_LOGIN_ACCOUNT="1 per minute")
def test_a_json_client_gets_json(client, member):
    log_in(client, member.email, "wrong password")
    response = log_in(client, member.email, PASSWORD, Accept="application/json")
    assert response.status_code == 429
    assert response.is_json
    body = response.get_json()
    assert body["status"] == 429 and TOO_MANY_LOGINS in body["error"]
    assert body["retry_after"] == int(response.headers["Retry-After"])


@pytest.mark.app_config(RATELIMIT_LOGIN_ACCOUNT="1 per minute")
def test_the_429_page_is_in_the_readers_language(client, member):
    client.get("/language/en")
    log_in(client, member.email, "wrong password")
    page = log_in(client, member.email, PASSWORD).get_data(as_text=True)
    assert "Too many failed logins. Please try again in a minute." in page
    assert '<html lang="en" dir="ltr">' in page


# The client's address, behind the proxies the forum is told of -----------------------------


@pytest.mark.app_config(RATELIMIT_LOGIN_ADDRESS="2 per minute")
def test_without_a_proxy_a_forged_forwarded_for_does_not_escape_the_limit(client):
    for n in range(2):
        log_in(client, "a@example.org", "wrong password", **{"X-Forwarded-For": f"10.0.0.{n}"})
    limited = log_in(client, "b@example.org", "wrong", **{"X-Forwarded-For": "10.0.0.9"})
    assert limited.status_code == 429


@pytest.mark.app_config(RATELIMIT_LOGIN_ADDRESS="2 per minute", PROXY_COUNT=1)
def test_behind_a_proxy_each_client_address_counts_apart(client):
    for n in range(2):
        log_in(client, f"{n}@example.org", "wrong password", **{"X-Forwarded-For": "10.0.0.1"})
    other = log_in(client, "c@example.org", "wrong password", **{"X-Forwarded-For": "10.0.0.2"})
    assert other.status_code == 422
    same = log_in(client, "d@example.org", "wrong password", **{"X-Forwarded-For": "10.0.0.1"})
    assert same.status_code == 429


# Registration and resets --------------------------------------------------------------------


@pytest.mark.app_config(RATELIMIT_REGISTER="2 per hour")
def test_registrations_from_one_address_are_limited(client):
    def register(n):
        password = "a long enough password"
        return submit(client, "/auth/register", {
            "display_name": f"عضو {n}", "email": f"new{n}@example.org", "authority_id": "0",
            "job_title": "", "password": password, "confirm": password,
        })  # fmt: skip

    assert [register(n).status_code for n in range(2)] == [200, 200]
    assert_limited(register(3))


@pytest.mark.app_config(RATELIMIT_PASSWORD_RESET="2 per hour", PROXY_COUNT=1)
def test_reset_requests_are_limited_per_address_and_per_account(client, member):
    def ask(email, address):
        token = csrf_token(client, "/auth/reset")
        return client.post("/auth/reset", data={"email": email, "csrf_token": token},
                           headers={"X-Forwarded-For": address})  # fmt: skip

    assert ask("a@example.org", "10.0.0.1").status_code == 200
    assert ask("b@example.org", "10.0.0.1").status_code == 200
    assert_limited(ask("c@example.org", "10.0.0.1"))
    # One account asked for from many addresses: its owner is not flooded with mail.
    assert ask(member.email, "10.0.1.1").status_code == 200
    assert ask(member.email, "10.0.1.2").status_code == 200
    assert_limited(ask(member.email, "10.0.1.3"))


# Posting, previews and flags ----------------------------------------------------------------


def _reply(client, thread_id, body="رد", **extra):
    return submit(client, f"/t/{thread_id}/reply", {"body": body, **extra})


@pytest.fixture
def thread_id(app, other_member):
    with app.app_context():
        return make_thread(other_member.id).id


@pytest.mark.app_config(RATELIMIT_POST_NEW_MEMBER="2 per hour", RATELIMIT_POST="4 per hour",
                        NEW_MEMBER_POSTS=50)  # fmt: skip
def test_a_new_members_first_posts_are_limited_harder(app, client, login, member, thread_id):
    login(member)
    assert [_reply(client, thread_id).status_code for _ in range(2)] == [302, 302]
    assert_limited(_reply(client, thread_id))
    assert_limited(submit(client, "/t/new?board=financial-management",
                          {"title": "موضوع", "kind": "discussion", "body": "نص"}))  # fmt: skip


@pytest.mark.app_config(RATELIMIT_POST_NEW_MEMBER="2 per hour", RATELIMIT_POST="4 per hour",
                        NEW_MEMBER_POSTS=50)  # fmt: skip
def test_a_trusted_member_may_post_more(app, client, login, member, thread_id):
    with app.app_context():
        db.session.get(User, member.id).approved_post_count = 50
        db.session.commit()
    login(member)
    assert [_reply(client, thread_id).status_code for _ in range(4)] == [302] * 4
    assert_limited(_reply(client, thread_id))


@pytest.mark.app_config(RATELIMIT_POST_NEW_MEMBER="1 per hour", NEW_MEMBER_POSTS=50)
def test_posting_is_counted_per_member_not_per_address(app, client, login, member, thread_id):
    with app.app_context():
        colleague = make_person()
    login(member)
    assert _reply(client, thread_id).status_code == 302
    other = login(colleague, on=app.test_client())  # the same address: one municipality
    assert _reply(other, thread_id).status_code == 302


@pytest.mark.app_config(RATELIMIT_PREVIEW="2 per minute")
def test_previews_are_limited_apart_from_posting(client, login, member, thread_id):
    login(member)
    previews = [_reply(client, thread_id, preview="y").status_code for _ in range(2)]
    assert previews == [200, 200]
    assert_limited(_reply(client, thread_id, preview="y"))
    assert _reply(client, thread_id).status_code == 302


@pytest.mark.app_config(RATELIMIT_FLAG="1 per hour")
def test_flags_are_limited(app, client, login, member, other_member):
    with app.app_context():
        first, second = (make_thread(other_member.id, title=f"موضوع {n}") for n in range(2))
        posts = [first.first_post_id, second.first_post_id]
    login(member)
    flag = {"reason": "spam", "text": ""}
    assert submit(client, f"/p/{posts[0]}/flag", flag).status_code == 302
    assert_limited(submit(client, f"/p/{posts[1]}/flag", flag))


# Search -------------------------------------------------------------------------------------


@pytest.mark.app_config(RATELIMIT_SEARCH="2 per minute")
def test_searching_is_limited_per_address(app):
    client = app.test_client()
    assert [client.get("/search?q=بلدية").status_code for _ in range(2)] == [200, 200]
    assert_limited(client.get("/search?q=بلدية"))


# Redis, when FORUM_REDIS_URL is set ---------------------------------------------------------

# A database number of the tests' own, emptied before and after (as CI's Redis is shared).
REDIS_URL = os.environ.get("FORUM_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


@pytest.fixture
def redis_db():
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL}")
    connection.flushdb()
    yield connection
    connection.flushdb()
    connection.close()


@pytest.mark.app_config(REDIS_URL=REDIS_URL, RATELIMIT_LOGIN_ACCOUNT="2 per minute")
def test_with_redis_the_counts_live_in_redis(app, client, member, redis_db):
    assert app.config["RATELIMIT_STORAGE_URI"] == REDIS_URL
    for _ in range(2):
        assert log_in(client, member.email, "wrong password").status_code == 422
    keys = [key.decode() for key in redis_db.scan_iter("*login-account*")]
    assert keys, "the failures were counted in Redis"
    assert_limited(log_in(client, member.email, PASSWORD))
    # The count lived in Redis, not in the worker: emptying Redis lets the member in.
    redis_db.flushdb()
    assert log_in(client, member.email, PASSWORD).status_code == 302
