"""Restricted and pending content never reaches anyone who may not read it, on any page.

A crawler follows every same-site link from the home page (and a few seeds that are not linked
for everyone), so a page added later is checked without being listed here.
"""

import io
import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from sqlalchemy import select

from forum.admin.actions import remove_task_force_member
from forum.attachments import actions as attachment_actions
from forum.clock import utcnow
from forum.extensions import db
from forum.feeds.actions import issue_feed_token, revoke_feed_token
from forum.models import Tag, TaskForce, User
from forum.tags.actions import set_thread_tags
from tests.api_helpers import make_token
from tests.factories import make_person, make_reply, make_thread

SECRET_TITLE = "خطة الإنقاذ المالي السرية"
SECRET_BODY = "أرقام العجز الحقيقية"
SECRET_REPLY = "ملاحظة داخلية للفريق"
PENDING_TITLE = "موضوع ينتظر الموافقة"
# The text of a file attached to the secret reply (forum.attachments).
SECRET_FILE = "جدول رواتب الفريق"
MAX_PAGES = 250
_LINK = re.compile(r'href="([^"]+)"')
# Links whose GET changes nothing but whose pages are endless or irrelevant to reading.
SKIP = re.compile(r"^/(static/|auth/logout)")


@pytest.fixture
def secrets(app, task_force_member):
    with app.app_context():
        author = make_person()
        public = make_thread(author.id, title="موضوع عام للجميع")
        make_reply(author.id, public, body="رد عام")
        secret = make_thread(task_force_member.id, "tf-financial-experts", title=SECRET_TITLE,
                             body=SECRET_BODY)  # fmt: skip
        reply = make_reply(task_force_member.id, secret, body=SECRET_REPLY)
        insider = db.session.get(User, task_force_member.id)
        uploaded = attachment_actions.upload(
            insider, io.BytesIO(SECRET_FILE.encode()), "salaries.txt"
        )
        attachment_actions.attach(insider, reply, [uploaded])
        pending = make_thread(author.id, title=PENDING_TITLE, published=False)
        # Tagged alike, so that a tag's page would show them if it leaked (forum.tags).
        water = db.session.scalar(select(Tag).where(Tag.slug == "water"))
        for thread in (public, secret, pending):
            set_thread_tags(thread.author, thread, [water])
        db.session.commit()
        return {"secret_thread": secret.id, "author": author.id, "pending_thread": pending.id,
                "secret_file": uploaded.id}  # fmt: skip


def feed_token(person_id):
    token = issue_feed_token(db.session.get(User, person_id))
    db.session.commit()
    return token


@pytest.fixture
def dead_tokens(app, secrets):
    """Feed tokens of task-force members that no longer open its feeds: revoked, of a
    suspended owner, of a member taken off the task force."""
    with app.app_context():
        revoked, suspended, removed = (
            make_person(task_force="financial-experts").id for _ in range(3)
        )
        tokens = [feed_token(person) for person in (revoked, suspended, removed)]
    for token in tokens:  # each opened the task force's feed while it was alive
        alive = app.test_client().get(f"/b/tf-financial-experts/feed.atom?token={token}")
        assert SECRET_TITLE in alive.get_data(as_text=True)
    with app.app_context():
        revoke_feed_token(db.session.get(User, revoked))
        db.session.get(User, suspended).suspended_at = utcnow()
        task_force = db.session.scalar(
            select(TaskForce).where(TaskForce.slug == "financial-experts")
        )
        remove_task_force_member(None, task_force, db.session.get(User, removed))
        db.session.commit()
        return tokens


def feed_seeds(secrets, tokens):
    """The feeds that would show the secrets, with each token and without one."""
    feeds = [
        "/b/tf-financial-experts/feed.atom",
        f"/t/{secrets['secret_thread']}/feed.atom",
        f"/t/{secrets['pending_thread']}/feed.atom",
        "/b/financial-management/feed.atom",
        "/tags/water/feed.atom",
    ]
    return feeds + [f"{feed}?token={token}" for feed in feeds for token in tokens]


def crawl(client, seeds):
    """Every page reachable from the seeds by same-site GET links: url → body."""
    seen, pages, queue = set(), {}, deque(seeds)
    while queue and len(pages) < MAX_PAGES:
        url = urldefrag(queue.popleft())[0]
        if url in seen or SKIP.match(url):
            continue
        seen.add(url)
        response = client.get(url)
        body = response.get_data(as_text=True)
        pages[url] = body
        if response.status_code in (301, 302) and response.location.startswith("/"):
            queue.append(response.location)
        for link in _LINK.findall(body):
            link = link.replace("&amp;", "&")
            if link.startswith("/") and not urlsplit(link).netloc:
                queue.append(link)
    return pages


def _leaks(pages, texts):
    return [(url, text) for url, body in pages.items() for text in texts if text in body]


@pytest.mark.parametrize(
    "role", ["visitor", "member", "other_task_force_member", "other_moderator", "suspended"]
)
def test_outsiders_never_see_restricted_or_pending_content(app, login, request, secrets,
                                                           dead_tokens, task_force_member,
                                                           role):  # fmt: skip
    client = app.test_client()
    tokens = list(dead_tokens)
    if role != "visitor":
        person = request.getfixturevalue("member" if role == "suspended" else role)
        login(person, on=client)
        # Their own feed token, which the pages' feed links then carry (forum.feeds).
        with app.app_context():
            tokens.append(feed_token(person.id))
        if role == "suspended":
            with app.app_context():
                db.session.get(User, person.id).suspended_at = utcnow()
                db.session.commit()
    seeds = [
        "/",
        f"/u/{task_force_member.id}",
        f"/u/{secrets['author']}",
        f"/t/{secrets['secret_thread']}",
        f"/attachments/{secrets['secret_file']}",
        "/b/tf-financial-experts",
        "/mod/queue",
        "/mod/log",
        "/mod/flags",
        "/notifications",
        "/tags",
        "/authorities",
        # One word of each secret: a result would show the whole title or text.
        "/search?q=الإنقاذ", "/search?q=العجز", "/search?q=داخلية", "/search?q=ينتظر",
        "/search/titles?q=الإنقاذ", "/search/titles?q=ينتظر",
        *feed_seeds(secrets, tokens),
    ]  # fmt: skip
    pages = crawl(client, seeds)
    assert len(pages) > 5
    # The feeds were read, and the pages' feed links were followed with the reader's token.
    feeds_read = [url for url, body in pages.items() if body.startswith("<?xml")]
    assert len(feeds_read) >= 5
    if role != "visitor" and role != "suspended":
        assert any(f"token={tokens[-1]}" in url for url in pages if "/tags/" in url)
    secrets_ = [SECRET_TITLE, SECRET_BODY, SECRET_REPLY, PENDING_TITLE, SECRET_FILE]
    assert _leaks(pages, secrets_) == []


def test_insiders_do_see_it_in_feeds_with_their_token(app, secrets, task_force_member):
    """The feeds' positive control: the same feeds, read with an insider's own token, show it
    all, and only the ones read with it do."""
    with app.app_context():
        token = feed_token(task_force_member.id)
    pages = crawl(app.test_client(), feed_seeds(secrets, [token]))
    found = {text for _, text in _leaks(pages, [SECRET_TITLE, SECRET_BODY, SECRET_REPLY])}
    assert found == {SECRET_TITLE, SECRET_BODY, SECRET_REPLY}
    assert all(f"token={token}" in url for url, _ in _leaks(pages, [SECRET_TITLE]))


def test_insiders_do_see_it(app, login, secrets, task_force_member):
    """The crawler really reaches restricted content when it is allowed (the test can fail)."""
    client = login(task_force_member, on=app.test_client())
    pages = crawl(client, ["/", "/tags", "/authorities", "/search?q=الإنقاذ"])
    secrets_ = [SECRET_TITLE, SECRET_BODY, SECRET_REPLY, SECRET_FILE]
    found = {text for _, text in _leaks(pages, secrets_)}
    assert found == set(secrets_)


# The JSON API, walked the same way with a token ------------------------------------------------


def crawl_api(client, token, seeds):
    """Every API answer reachable from the seeds: url → body. It follows `next` and asks for
    each board, thread, post and member an answer names."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    seen, pages, queue = set(), {}, deque(seeds)
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url, headers=headers)
        pages[url] = response.get_data(as_text=True)
        if response.mimetype == "application/json":
            queue.extend(_api_links(response.get_json()))
    return pages


def _api_links(value):
    """The API addresses of what a JSON answer names."""
    if isinstance(value, list):
        for item in value:
            yield from _api_links(item)
        return
    if not isinstance(value, dict):
        return
    if "slug" in value and "access" in value:
        yield f"/api/v1/boards/{value['slug']}/threads"
    for key, address in (("thread_id", "threads"), ("post_id", "posts")):
        if isinstance(value.get(key), int):
            yield f"/api/v1/{address}/{value[key]}"
    if "board" in value and isinstance(value.get("id"), int):  # a thread
        yield f"/api/v1/threads/{value['id']}"
    author = value.get("author")
    if isinstance(author, dict):
        yield f"/api/v1/members/{author['id']}"
    if isinstance(value.get("next"), str):
        yield urlsplit(value["next"])._replace(scheme="", netloc="").geturl()
    for item in value.values():
        if isinstance(item, list | dict):
            yield from _api_links(item)


def _api_seeds(secrets, task_force_member):
    return [
        "/api/v1/boards", "/api/v1/tags", "/api/v1/authorities", "/api/v1/notifications",
        f"/api/v1/threads/{secrets['secret_thread']}",
        "/api/v1/boards/tf-financial-experts/threads",
        f"/api/v1/members/{task_force_member.id}", f"/api/v1/members/{secrets['author']}",
        "/api/v1/search?q=الإنقاذ", "/api/v1/search?q=العجز", "/api/v1/search?q=داخلية",
        "/api/v1/search?q=ينتظر",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "role", ["visitor", "member", "other_task_force_member", "other_moderator", "suspended"]
)
def test_the_api_never_shows_outsiders_restricted_or_pending_content(
    app, request, secrets, task_force_member, role
):
    token = None
    if role != "visitor":
        person = request.getfixturevalue("member" if role == "suspended" else role)
        with app.app_context():
            token = make_token(person.id)
            if role == "suspended":
                db.session.get(User, person.id).suspended_at = utcnow()
                db.session.commit()
    pages = crawl_api(app.test_client(), token, _api_seeds(secrets, task_force_member))
    assert len(pages) > 10
    assert _leaks(pages, [SECRET_TITLE, SECRET_BODY, SECRET_REPLY, PENDING_TITLE]) == []


def test_the_api_does_show_insiders_what_they_may_read(app, secrets, task_force_member):
    """The API crawler really reaches restricted content when it is allowed (it can fail)."""
    with app.app_context():
        token = make_token(task_force_member.id)
    pages = crawl_api(app.test_client(), token, ["/api/v1/boards", "/api/v1/search?q=الإنقاذ"])
    found = {text for _, text in _leaks(pages, [SECRET_TITLE, SECRET_BODY, SECRET_REPLY])}
    assert found == {SECRET_TITLE, SECRET_BODY, SECRET_REPLY}
