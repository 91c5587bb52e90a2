"""Thread titles and display names are text wherever they are shown: on the thread page (its
<title> and <h1>), on posts, in "in reply to" and on profiles. The browser runs with the
forum's Content-Security-Policy on; every payload would mark the page (window.__xss, an
element with data-xss, a dialog) or be reported by the policy if any of it became markup.
"""

import pytest
from playwright.sync_api import expect

from forum.extensions import db
from forum.models import Post
from forum.names import visible
from tests import factories

PAYLOADS = [
    "<script data-xss>window.__xss=1</script>",
    '<img data-xss src=x onerror="window.__xss=1">',
    '"><img data-xss src=x onerror=window.__xss=1>',
    "'><svg data-xss onload=window.__xss=1>",
    "</title><script data-xss>window.__xss=1</script>",
    '<iframe data-xss srcdoc="<script>parent.__xss=1</script>">',
    "{{7*7}} ${7*7} {% raw %}<b data-xss>b</b>",
    '<a data-xss href="javascript:window.__xss=1">x</a>',
    "&lt;script&gt; &amp; &#60;img data-xss&#62;",
    "<math><mtext><table><mglyph><style><img data-xss src=x onerror=window.__xss=1>",
    '<a data-xss href="#" onclick="window.__xss=1">click</a>',
    '" onfocus="window.__xss=1" autofocus data-xss="',
    "' onmouseover='window.__xss=1' data-xss='",
    "<style data-xss>body{display:none}</style>",
    '<base data-xss href="http://evil.example/">',
    '<meta data-xss http-equiv="refresh" content="0;url=/">',
    '<noscript><p title="</noscript><img data-xss src=x onerror=window.__xss=1>">',
    "<!--<img data-xss src=x onerror=window.__xss=1>-->",
    "<svg><script data-xss>window.__xss=1</script></svg>",
    "\u202egnp.exe <b data-xss>\u2066",
    "\\u003cimg data-xss src=x onerror=window.__xss=1\\u003e",
    "@[x] **<i data-xss>bold</i>** [a](javascript:window.__xss=1)",
]


def _no_trace_of_a_payload(page, dialogs):
    assert page.evaluate("window.__xss") is None
    assert page.locator("[data-xss]").count() == 0
    assert dialogs == []
    assert page.evaluate("window.__cspViolations") == []


def _watch_dialogs(page):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    return dialogs


@pytest.mark.browser
def test_titles_are_text_on_their_thread_pages(app, open_page, person):
    author = person()
    with app.app_context():
        threads = [(factories.make_thread(author.id, title=payload).id, visible(payload))
                   for payload in PAYLOADS]  # fmt: skip
    page = open_page(None)
    dialogs = _watch_dialogs(page)
    for thread_id, title in threads:
        page.goto(f"/t/{thread_id}")
        expect(page.locator("main h1")).to_have_text(title, use_inner_text=False)
        assert page.title() == f"{title} · Tabadul"
        _no_trace_of_a_payload(page, dialogs)
    page.goto("/b/financial-management")  # every title in the board's list
    _no_trace_of_a_payload(page, dialogs)


@pytest.mark.browser
def test_display_names_are_text_on_posts_replies_and_profiles(app, open_page, person):
    """One thread where each payload's author replies to the one before, deeper than the
    page nests: each reply past the depth says "In reply to" the previous name."""
    app.config["POSTS_PER_PAGE"] = 100
    names = [f"{payload[:72]} {number}" for number, payload in enumerate(PAYLOADS)]
    with app.app_context():
        opener = factories.make_user()
        thread = factories.make_thread(opener.id, title="ردود متتابعة")
        authors, parent = [], db.session.get(Post, thread.first_post_id)
        for name in ["أول", "ثان", "ثالث", "رابع", *names]:
            author = factories.make_user(name=name)
            parent = factories.make_reply(author.id, thread, body="رد", parent=parent)
            authors.append((author.id, author.display_name))
        thread_id = thread.id
    page = open_page(None)
    dialogs = _watch_dialogs(page)
    page.goto(f"/t/{thread_id}")
    shown = page.locator(".post-author").all_text_contents()
    replied_to = page.locator(".in-reply-to").all_text_contents()
    for number, (_user_id, name) in enumerate(authors):
        assert name in shown
        if 3 <= number < len(authors) - 1:  # the parent of a reply past the nesting depth
            assert any(text.strip() == f"In reply to {name}" for text in replied_to), name
    _no_trace_of_a_payload(page, dialogs)
    for user_id, name in authors[4:]:
        page.goto(f"/u/{user_id}")
        expect(page.locator("main h1")).to_have_text(name, use_inner_text=False)
        assert page.title() == f"{name} · Tabadul"
        _no_trace_of_a_payload(page, dialogs)
