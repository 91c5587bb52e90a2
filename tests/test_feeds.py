"""Atom feeds: valid Atom 1.0 that feedparser reads, absolute links under BASE_URL, and only
what the reader may read now: a visitor without a token, the token's owner with one."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import feedparser
import pytest
from flask import render_template
from flask_login import login_user
from sqlalchemy import select

from forum.admin.actions import remove_task_force_member, suspend_user
from forum.clock import utcnow
from forum.extensions import db
from forum.feeds import actions as feed_actions
from forum.models import FeedToken, Post, Status, Tag, TaskForce, Thread, User
from forum.tags.actions import set_thread_tags
from tests.factories import board_by_slug, make_person, make_reply, make_thread, submit
from tests.test_query_counts import counting

BASE = "https://tabadul.example.org"
pytestmark = pytest.mark.app_config(BASE_URL=BASE)
BOARD = "financial-management"
TASK_FORCE_BOARD = "tf-financial-experts"
ATOM_TYPE = "application/atom+xml; charset=utf-8"


ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
RFC_3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")


def atom_problems(document):
    """What RFC 4287 requires that the document lacks: exactly one id, title and updated on
    the feed and on each entry, dates in RFC 3339, an author for every entry (its own or the
    feed's), an alternate link for an entry without content, and the language."""
    root = ElementTree.fromstring(document)
    if root.tag != f"{ATOM}feed":
        return [f"the root is {root.tag}"]
    problems = [] if root.get(XML_LANG) in ("ar", "en") else ["no xml:lang on the feed"]
    feed_author = root.find(f"{ATOM}author/{ATOM}name") is not None
    for element in [root, *root.findall(f"{ATOM}entry")]:
        where = "the feed" if element is root else element.findtext(f"{ATOM}id", "an entry")
        for name in ("id", "title", "updated"):
            if len(element.findall(f"{ATOM}{name}")) != 1:
                problems.append(f"{where}: not exactly one {name}")
        for name in ("updated", "published"):
            for date in element.findall(f"{ATOM}{name}"):
                if not RFC_3339.fullmatch(date.text or ""):
                    problems.append(f"{where}: {name} {date.text!r}")
        links = [link.get("rel", "alternate") for link in element.findall(f"{ATOM}link")]
        if element is not root:
            if not (feed_author or element.find(f"{ATOM}author/{ATOM}name") is not None):
                problems.append(f"{where}: no author")
            if element.find(f"{ATOM}content") is None and "alternate" not in links:
                problems.append(f"{where}: neither content nor an alternate link")
        if links.count("alternate") > 1:
            problems.append(f"{where}: two alternate links")
    return problems


def parsed(response):
    """The feed as feedparser reads it, after checking it is a well-formed Atom 1.0 feed."""
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == ATOM_TYPE
    assert atom_problems(response.get_data()) == []
    feed = feedparser.parse(response.get_data())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    # What RFC 4287 requires of a feed and of each entry.
    for key in ("id", "title", "updated", "link"):
        assert feed.feed.get(key), key
    for entry in feed.entries:
        for key in ("id", "title", "updated", "link", "author"):
            assert entry.get(key), (key, entry.get("id"))
    return feed


def test_the_atom_check_finds_what_is_missing():
    """Positive control for atom_problems."""
    broken = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><id>x</id><title>t</title>'
        b"<updated>yesterday</updated><entry><id>e</id><updated>2026-01-01T00:00:00Z</updated>"
        b"</entry></feed>"
    )
    assert sorted(atom_problems(broken)) == [
        "e: neither content nor an alternate link", "e: no author", "e: not exactly one title",
        "no xml:lang on the feed", "the feed: updated 'yesterday'",
    ]  # fmt: skip


def titles(feed):
    return [entry.title for entry in feed.entries]


def absolute(url):
    return url.startswith(f"{BASE}/")


def give_token(app, person):
    """The person's feed token, made as the settings' button makes it."""
    with app.app_context():
        token = feed_actions.issue_feed_token(db.session.get(User, person.id))
        db.session.commit()
        return token


def later(minutes):
    return utcnow() + timedelta(minutes=minutes)


@pytest.fixture
def board_threads(app, member, other_member, moderator):
    """Published threads on a public board a minute apart, and threads that must not appear."""
    with app.app_context():
        first = make_thread(member.id, title="الموازنة التشاركية في البلديات")
        second = make_thread(other_member.id, title="تحصيل رسوم النفايات", kind="challenge")
        second.published_at = later(1)
        hidden_opening = make_thread(other_member.id, title="موضوع مشاركته الأولى مخفية",
                                     body="نص أخفاه المشرفون")  # fmt: skip
        hidden_opening.published_at = later(2)
        db.session.get(Post, hidden_opening.first_post_id).hidden_at = utcnow()
        make_thread(member.id, title="موضوع ينتظر الموافقة", published=False)
        rejected = make_thread(member.id, title="موضوع مرفوض", published=False)
        rejected.status = Status.REJECTED
        deleted = make_thread(member.id, title="موضوع محذوف")
        deleted.status = Status.DELETED
        make_thread(member.id, "public-relations", title="موضوع في منصة أخرى")
        db.session.commit()
        return {"first": first.id, "second": second.id, "hidden_opening": hidden_opening.id}


def test_a_board_feed_lists_its_published_threads_newest_first(client, board_threads):
    response = client.get(f"/b/{BOARD}/feed.atom")
    feed = parsed(response)
    assert titles(feed) == [
        "موضوع مشاركته الأولى مخفية", "تحصيل رسوم النفايات", "الموازنة التشاركية في البلديات",
    ]  # fmt: skip
    assert feed.feed.language == "ar"
    assert feed.feed.title == "منصة الإدارة المالية: مواضيع جديدة"
    assert feed.feed.link == f"{BASE}/b/{BOARD}"
    assert [link.href for link in feed.feed.links if link.rel == "self"] == [
        f"{BASE}/b/{BOARD}/feed.atom"
    ]
    newest, second, first = feed.entries
    assert first.link == first.id == f"{BASE}/t/{board_threads['first']}"
    assert all(absolute(entry.link) and absolute(entry.id) for entry in feed.entries)
    assert first.content[0].value == '<p dir="auto">ما هي أفضل طريقة؟</p>'
    assert first.author.startswith("عضو")
    assert [tag.label for tag in second.tags] == ["تحدٍّ"]
    # The opening post hidden by the moderators: the thread is listed, its text is not.
    assert "content" not in newest and "أخفاه" not in response.get_data(as_text=True)
    assert second.published_parsed > first.published_parsed


def test_a_feed_speaks_the_language_its_address_asks_for(client, board_threads):
    feed = parsed(client.get(f"/b/{BOARD}/feed.atom?lang=en"))
    assert feed.feed.language == "en"
    assert feed.feed.title == "Financial Management Platform: new threads"
    assert [link.href for link in feed.feed.links if link.rel == "self"] == [
        f"{BASE}/b/{BOARD}/feed.atom?lang=en"
    ]
    # The page's language switch does not steer a feed: its address does.
    english = client.get(f"/b/{BOARD}/feed.atom", headers={"Accept-Language": "en"})
    assert parsed(english).feed.language == "ar"


def test_links_inside_posts_resolve_under_the_base_url(app, client, member):
    with app.app_context():
        thread = make_thread(member.id, title="روابط", body=f"انظر [ملفي](/u/{member.id})").id
    feed = parsed(client.get(f"/t/{thread}/feed.atom"))
    assert f'href="{BASE}/u/{member.id}"' in feed.entries[0].content[0].value


def test_a_thread_feed_lists_the_posts_shown_to_all_newest_first(app, client, member, other_member):
    with app.app_context():
        thread = make_thread(member.id, title="كيف نرفع نسبة الجباية؟")
        shown = make_reply(other_member.id, thread, body="رد ظاهر للجميع")
        answer = make_reply(member.id, thread, body="جواب على الرد", parent=shown)
        answer.created_at = later(1)
        for body, column, value in [
            ("رد ينتظر الموافقة", "status", Status.PENDING),
            ("رد مرفوض", "status", Status.REJECTED),
            ("رد محذوف", "deleted_at", utcnow()),
            ("رد مخفي", "hidden_at", utcnow()),
        ]:
            setattr(make_reply(other_member.id, thread, body=body), column, value)
        db.session.commit()
        ids = {"thread": thread.id, "opening": thread.first_post_id, "shown": shown.id,
               "answer": answer.id}  # fmt: skip
    response = client.get(f"/t/{ids['thread']}/feed.atom")
    feed = parsed(response)
    assert [entry.id for entry in feed.entries] == [
        f"{BASE}/p/{ids['answer']}", f"{BASE}/p/{ids['shown']}", f"{BASE}/p/{ids['opening']}"
    ]  # fmt: skip
    assert feed.entries[-1].title == "كيف نرفع نسبة الجباية؟"
    assert feed.entries[1].title.endswith(": كيف نرفع نسبة الجباية؟")
    assert feed.feed.link == f"{BASE}/t/{ids['thread']}"
    body = response.get_data(as_text=True)
    for hidden in ("ينتظر", "مرفوض", "محذوف", "مخفي"):
        assert f"رد {hidden}" not in body


def test_only_published_threads_have_a_feed(app, client, moderator, member):
    """A moderator reads a pending thread on its page; its feed does not exist for anyone."""
    with app.app_context():
        pending = make_thread(member.id, title="موضوع معلق", published=False).id
    for token in (None, give_token(app, moderator), give_token(app, member)):
        query = f"?token={token}" if token else ""
        assert client.get(f"/t/{pending}/feed.atom{query}").status_code == 404


def test_a_tag_feed_lists_the_threads_the_reader_may_read(app, client, member, task_force_member):
    with app.app_context():
        water = db.session.scalar(select(Tag).where(Tag.slug == "water"))
        public = make_thread(member.id, title="شبكات المياه")
        elsewhere = make_thread(member.id, "village-councils", title="مياه القرى")
        elsewhere.published_at = later(1)
        secret = make_thread(task_force_member.id, TASK_FORCE_BOARD, title="سر فريق المياه")
        secret.published_at = later(2)
        untagged = make_thread(member.id, title="موضوع بلا وسم")
        for thread in (public, elsewhere, secret):
            set_thread_tags(thread.author, thread, [water])
        db.session.commit()
        assert untagged.id
    feed = parsed(client.get("/tags/water/feed.atom"))
    assert titles(feed) == ["مياه القرى", "شبكات المياه"]
    assert feed.feed.link == f"{BASE}/tags/water"
    boards = {tag.term for entry in feed.entries for tag in entry.tags}
    assert {"village-councils", BOARD} <= boards
    insider = parsed(
        client.get(f"/tags/water/feed.atom?token={give_token(app, task_force_member)}")
    )
    assert titles(insider) == ["سر فريق المياه", "مياه القرى", "شبكات المياه"]
    assert client.get("/tags/no-such-tag/feed.atom").status_code == 404


# Permissions: tokens and what their owners may read now ---------------------------------------


@pytest.fixture
def secret_thread(app, task_force_member):
    with app.app_context():
        thread = make_thread(task_force_member.id, TASK_FORCE_BOARD, title="خطة الفريق السرية",
                             body="أرقام داخلية")  # fmt: skip
        make_reply(task_force_member.id, thread, body="ملاحظة للفريق")
        return thread.id


def secret_feeds(thread_id, token=None):
    query = f"?token={token}" if token else ""
    return [f"/b/{TASK_FORCE_BOARD}/feed.atom{query}", f"/t/{thread_id}/feed.atom{query}"]


def test_a_task_force_board_feed_needs_a_members_token(
    app, client, secret_thread, task_force_member
):
    for url in secret_feeds(secret_thread):
        assert client.get(url).status_code == 404
    token = give_token(app, task_force_member)
    board, thread = (parsed(client.get(url)) for url in secret_feeds(secret_thread, token))
    assert titles(board) == ["خطة الفريق السرية"]
    assert [entry.content[0].value for entry in thread.entries] == [
        '<p dir="auto">ملاحظة للفريق</p>', '<p dir="auto">أرقام داخلية</p>'
    ]  # fmt: skip
    # The token's own language; the self link never repeats the token.
    assert board.feed.language == "ar"
    assert [link.href for link in board.feed.links if link.rel == "self"] == [
        f"{BASE}/b/{TASK_FORCE_BOARD}/feed.atom"
    ]
    assert token not in client.get(secret_feeds(secret_thread, token)[0]).get_data(as_text=True)


def test_another_members_token_opens_only_what_they_read(
    app, client, secret_thread, member, other_task_force_member, moderator, other_moderator, admin
):
    for outsider in (member, other_task_force_member, other_moderator):
        token = give_token(app, outsider)
        for url in secret_feeds(secret_thread, token):
            assert client.get(url).status_code == 404, url
        assert client.get(f"/b/{BOARD}/feed.atom?token={token}").status_code == 200
    for insider in (moderator, admin):
        for url in secret_feeds(secret_thread, give_token(app, insider)):
            assert client.get(url).status_code == 200, url


def test_a_revoked_or_renewed_token_opens_nothing(app, client, secret_thread, task_force_member):
    old = give_token(app, task_force_member)
    new = give_token(app, task_force_member)  # renewing revokes the one before
    assert old != new
    for url in secret_feeds(secret_thread, old) + [f"/b/{BOARD}/feed.atom?token={old}"]:
        assert client.get(url).status_code == 404, url
    assert all(client.get(url).status_code == 200 for url in secret_feeds(secret_thread, new))
    with app.app_context():
        assert feed_actions.revoke_feed_token(db.session.get(User, task_force_member.id))
        db.session.commit()
    # A dead token answers 404 on every feed, public ones included: the subscription is dead.
    for url in secret_feeds(secret_thread, new) + [f"/b/{BOARD}/feed.atom?token={new}"]:
        assert client.get(url).status_code == 404, url


def test_a_suspended_owners_token_opens_nothing(
    app, client, secret_thread, task_force_member, admin
):
    token = give_token(app, task_force_member)
    with app.app_context():
        suspend_user(db.session.get(User, admin.id), db.session.get(User, task_force_member.id),
                     reason="اختبار")  # fmt: skip
        db.session.commit()
    for url in secret_feeds(secret_thread, token) + [f"/b/{BOARD}/feed.atom?token={token}"]:
        assert client.get(url).status_code == 404, url


def test_a_member_taken_off_the_task_force_loses_its_feeds_at_once(
    app, client, secret_thread, task_force_member, admin
):
    token = give_token(app, task_force_member)
    assert client.get(secret_feeds(secret_thread, token)[0]).status_code == 200
    with app.app_context():
        task_force = db.session.scalar(
            select(TaskForce).where(TaskForce.slug == "financial-experts")
        )
        remove_task_force_member(db.session.get(User, admin.id), task_force,
                                 db.session.get(User, task_force_member.id))  # fmt: skip
        db.session.commit()
    for url in secret_feeds(secret_thread, token):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/b/{BOARD}/feed.atom?token={token}").status_code == 200


def test_a_members_only_board_feed_needs_a_token_too(app, client, member, other_member):
    with app.app_context():
        board_by_slug("village-councils").access = "members"
        db.session.commit()
        make_thread(other_member.id, "village-councils", title="للأعضاء فقط")
    assert client.get("/b/village-councils/feed.atom").status_code == 404
    feed = parsed(client.get(f"/b/village-councils/feed.atom?token={give_token(app, member)}"))
    assert titles(feed) == ["للأعضاء فقط"]


def test_a_feed_is_never_read_as_the_browsers_member(
    app, client, login, secret_thread, task_force_member
):
    """A session opens no feed: only the token in the address does."""
    login(task_force_member)
    for url in secret_feeds(secret_thread):
        assert client.get(url).status_code == 404, url


def test_a_feed_never_logs_in_from_a_remember_cookie(app, client, secret_thread, task_force_member):
    """A browser with only a "keep me logged in" cookie: a page would log it in (a new session
    cookie); a feed reads nothing from it and sets nothing."""
    data = {"email": task_force_member.email, "password": task_force_member.password}
    submit(client, "/auth/login", {**data, "remember": "y"})
    remembered = app.test_client()
    remembered.set_cookie("remember_token", client.get_cookie("remember_token").value)
    token = give_token(app, task_force_member)
    for url in secret_feeds(secret_thread) + secret_feeds(secret_thread, token):
        response = remembered.get(url)
        assert "Set-Cookie" not in response.headers, url
    assert remembered.get_cookie("session") is None
    assert "Set-Cookie" in remembered.get("/").headers  # positive control: a page logs in


def test_bad_tokens_are_404(app, client, secret_thread, task_force_member):
    token = give_token(app, task_force_member)
    for bad in ("", "x", token[:-1], token + "x", "é" * 10, "a" * 500):
        response = client.get(f"/b/{BOARD}/feed.atom", query_string={"token": bad})
        assert response.status_code == 404, bad
        assert response.headers["Content-Type"].startswith("text/plain")


def test_a_new_secret_key_ends_every_feed_token(app, client, secret_thread, task_force_member):
    token = give_token(app, task_force_member)
    assert client.get(f"/b/{TASK_FORCE_BOARD}/feed.atom?token={token}").status_code == 200
    app.config["SECRET_KEY"] = "a new secret"
    assert client.get(f"/b/{TASK_FORCE_BOARD}/feed.atom?token={token}").status_code == 404
    with app.app_context():
        section = render_section(app, task_force_member)
    assert "feed.atom" not in section and 'action="/settings/tokens/feed"' in section


# HTTP: caching, cookies, conditional requests ------------------------------------------------


def test_a_token_feed_sets_no_cookie_and_is_kept_private(
    app, client, secret_thread, task_force_member
):
    token = give_token(app, task_force_member)
    for url in secret_feeds(secret_thread, token):
        response = client.get(url)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
        assert response.headers["Cache-Control"] == "private, no-cache"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "X-Page-Cache" not in response.headers  # the page cache never holds a feed
    assert client.get_cookie("session") is None


def test_a_public_feed_may_be_kept_and_answers_304_when_unchanged(app, client, member):
    with app.app_context():
        thread = make_thread(member.id, title="موضوع أول").id
    first = client.get(f"/b/{BOARD}/feed.atom")
    assert first.headers["Cache-Control"] == "public, no-cache"
    assert "Set-Cookie" not in first.headers and "X-Page-Cache" not in first.headers
    etag = first.headers["ETag"]
    again = client.get(f"/b/{BOARD}/feed.atom", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    with app.app_context():
        make_reply(member.id, db.session.get(Thread, thread), body="رد جديد")
    assert client.get(f"/b/{BOARD}/feed.atom", headers={"If-None-Match": etag}).status_code == 304
    thread_feed = client.get(f"/t/{thread}/feed.atom", headers={"If-None-Match": etag})
    assert thread_feed.status_code == 200  # the thread's own feed did change
    with app.app_context():
        make_thread(member.id, title="موضوع ثان")
    assert client.get(f"/b/{BOARD}/feed.atom", headers={"If-None-Match": etag}).status_code == 200


@pytest.mark.app_config(RATELIMIT_ENABLED=True, RATELIMIT_FEED="3 per minute")
def test_feeds_are_limited_per_address_in_plain_text(app, client, member):
    with app.app_context():
        thread = make_thread(member.id, title="موضوع أول").id
    urls = [f"/b/{BOARD}/feed.atom", f"/t/{thread}/feed.atom", "/tags/water/feed.atom"]
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]
    for url in urls:  # one count for every feed
        refused = client.get(url)
        assert refused.status_code == 429
        assert 0 < int(refused.headers["Retry-After"]) <= 61  # a minute, rounded up
        assert refused.headers["Content-Type"] == "text/plain; charset=utf-8"
        assert "Set-Cookie" not in refused.headers
    other_address = {"REMOTE_ADDR": "192.0.2.7"}
    assert client.get(urls[0], environ_overrides=other_address).status_code == 200


def test_a_revoked_token_is_not_answered_from_any_cache(
    app, client, secret_thread, task_force_member
):
    token = give_token(app, task_force_member)
    url = secret_feeds(secret_thread, token)[0]
    etag = client.get(url).headers["ETag"]
    with app.app_context():
        feed_actions.revoke_feed_token(db.session.get(User, task_force_member.id))
        db.session.commit()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 404


# The member's token: the buttons, and the section of the tokens page -------------------------


def test_a_member_makes_renews_and_revokes_the_token_with_forms(
    app, client, login, task_force_member, secret_thread
):
    login(task_force_member)
    made = submit(client, "/settings/tokens/feed", {}, form_page="/settings")
    assert made.status_code == 302
    assert made.headers["Location"] == "/settings/tokens#feed-token"
    with app.app_context():
        first = db.session.scalar(
            select(FeedToken).where(FeedToken.user_id == task_force_member.id)
        )
        assert first.revoked_at is None and len(first.token_digest) == 64
    renewed = submit(client, "/settings/tokens/feed", {}, form_page="/settings")
    assert renewed.headers["Location"] == "/settings/tokens#feed-token"
    with app.app_context():
        rows = db.session.scalars(
            select(FeedToken)
            .where(FeedToken.user_id == task_force_member.id)
            .order_by(FeedToken.id)
        ).all()
        assert [row.revoked_at is None for row in rows] == [False, True]
    revoked = submit(client, "/settings/tokens/feed/revoke", {}, form_page="/settings")
    assert revoked.headers["Location"] == "/settings/tokens#feed-token"
    with app.app_context():
        assert (
            db.session.scalar(
                select(FeedToken).where(
                    FeedToken.user_id == task_force_member.id, FeedToken.revoked_at.is_(None)
                )  # fmt: skip
            )
            is None
        )


def test_the_token_buttons_refuse_a_form_without_its_csrf_token(client, login, member):
    login(member)
    assert client.post("/settings/tokens/feed").status_code == 400
    assert client.post("/settings/tokens/feed/revoke").status_code == 400
    assert client.get("/settings/tokens/feed").status_code == 405


def render_section(app, person):
    with app.test_request_context("/settings/tokens"):
        login_user(db.session.get(User, person.id))
        return render_template("feeds/_token_section.html")


def test_the_tokens_page_section_shows_the_members_feed_addresses(app, task_force_member):
    with app.app_context():
        without = render_section(app, task_force_member)
    assert "/settings/tokens/feed/revoke" not in without
    assert 'action="/settings/tokens/feed"' in without
    token = give_token(app, task_force_member)
    with app.app_context():
        section = render_section(app, task_force_member)
    addresses = re.findall(r'<code dir="ltr">([^<]+)</code>', section)
    # Every board the member reads, the task force's with the token, public ones without.
    assert f"{BASE}/b/{TASK_FORCE_BOARD}/feed.atom?token={token}" in addresses
    assert f"{BASE}/b/{BOARD}/feed.atom" in addresses
    assert "tf-inclusion-gender" not in section
    assert 'action="/settings/tokens/feed/revoke"' in section


# Pages name their feeds ---------------------------------------------------------------------

_ALTERNATE = re.compile(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" '
                        r'href="([^"]+)">')  # fmt: skip


def alternates(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return [
        href.replace("&amp;", "&") for href in _ALTERNATE.findall(response.get_data(as_text=True))
    ]


def test_public_pages_name_their_feeds(app, client, member):
    with app.app_context():
        made = make_thread(member.id, title="موضوع عام")
        water = db.session.scalar(select(Tag).where(Tag.slug == "water"))
        set_thread_tags(made.author, made, [water])
        db.session.commit()
        thread = made.id
    assert alternates(client, f"/b/{BOARD}") == [f"/b/{BOARD}/feed.atom"]
    assert alternates(client, f"/t/{thread}") == [f"/t/{thread}/feed.atom"]
    assert alternates(client, "/tags/water") == ["/tags/water/feed.atom"]
    english = alternates(client, f"/b/{BOARD}", **{"Accept-Language": "en"})
    assert english == [f"/b/{BOARD}/feed.atom?lang=en"]
    for url in (
        f"/b/{BOARD}/feed.atom",
        f"/t/{thread}/feed.atom",
        "/tags/water/feed.atom",
        english[0],
    ):
        parsed(client.get(url))


def test_a_private_page_names_its_feed_only_with_the_readers_own_token(
    app, client, login, secret_thread, task_force_member
):
    login(task_force_member)
    pages = [f"/b/{TASK_FORCE_BOARD}", f"/t/{secret_thread}"]
    assert [alternates(client, page) for page in pages] == [[], []]  # no token made on a GET
    with app.app_context():
        assert db.session.scalar(select(FeedToken.id)) is None
    assert alternates(client, "/tags/water") == ["/tags/water/feed.atom"]
    token = give_token(app, task_force_member)
    found = [alternates(client, page) for page in pages + ["/tags/water"]]
    assert found == [
        [f"/b/{TASK_FORCE_BOARD}/feed.atom?token={token}"],
        [f"/t/{secret_thread}/feed.atom?token={token}"],
        [f"/tags/water/feed.atom?token={token}"],
    ]
    for (href,) in found:
        assert parse_qs(urlsplit(href).query)["token"] == [token]
        parsed(client.get(href))


# Cost ---------------------------------------------------------------------------------------


def test_feeds_cost_the_same_queries_however_many_entries(app, client, member, task_force_member):
    """Entries carry their authors and opening posts: loaded with the list, not one by one."""
    token = give_token(app, task_force_member)
    with app.app_context():
        thread = make_thread(member.id, title="موضوع كثير الردود")
        water = db.session.scalar(select(Tag).where(Tag.slug == "water"))
        set_thread_tags(thread.author, thread, [water])
        db.session.commit()
        thread_id = thread.id

    def grow(count):
        with app.app_context():
            thread = db.session.get(Thread, thread_id)
            water = db.session.scalar(select(Tag).where(Tag.slug == "water"))
            for number in range(count):
                author = make_person().id
                made = make_thread(author, title=f"موضوع {number}")
                set_thread_tags(made.author, made, [water])
                make_reply(author, thread, body=f"رد {number}")
            db.session.commit()

    urls = [f"/b/{BOARD}/feed.atom", f"/t/{thread_id}/feed.atom", "/tags/water/feed.atom"]
    urls += [f"{url}?token={token}" for url in urls]

    def cost():
        found = {}
        for url in urls:
            with counting(app) as statements:
                assert client.get(url).status_code == 200
            found[url] = len(statements)
        return found

    grow(2)
    few = cost()
    grow(33)  # past the 30 entries a feed holds
    assert cost() == few
    # The boards' access, the board (thread, tag), the entries; a token adds itself with its
    # owner, and the owner's task forces.
    assert few == {url: 5 if "token=" in url else 3 for url in urls}
