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

from forum.attachments import actions as attachment_actions
from forum.clock import utcnow
from forum.extensions import db
from forum.models import Tag, User
from forum.tags.actions import set_thread_tags
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
        return {"secret_thread": secret.id, "author": author.id, "secret_file": uploaded.id}


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
                                                           task_force_member, role):  # fmt: skip
    client = app.test_client()
    if role != "visitor":
        person = request.getfixturevalue("member" if role == "suspended" else role)
        login(person, on=client)
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
    ]  # fmt: skip
    pages = crawl(client, seeds)
    assert len(pages) > 5
    assert (
        _leaks(pages, [SECRET_TITLE, SECRET_BODY, SECRET_REPLY, PENDING_TITLE, SECRET_FILE]) == []
    )


def test_insiders_do_see_it(app, login, secrets, task_force_member):
    """The crawler really reaches restricted content when it is allowed (the test can fail)."""
    client = login(task_force_member, on=app.test_client())
    pages = crawl(client, ["/", "/tags", "/authorities", "/search?q=الإنقاذ"])
    secrets_ = [SECRET_TITLE, SECRET_BODY, SECRET_REPLY, SECRET_FILE]
    found = {text for _, text in _leaks(pages, secrets_)}
    assert found == set(secrets_)
