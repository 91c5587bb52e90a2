"""Starting a thread, replying under a post and editing a post, in Chromium."""

import re

import pytest
from playwright.sync_api import expect

from forum.extensions import db
from forum.models import Post
from tests import factories

pytestmark = pytest.mark.browser


def test_a_new_thread_waits_for_approval(open_page, person):
    member = person()
    page = open_page("/b/financial-management", person=member)
    page.get_by_role("link", name="Start a thread").click()
    expect(page.get_by_text("published once a moderator approves them")).to_be_visible()
    page.get_by_label("Title").fill("Collecting property tax in small councils")
    page.get_by_label("Kind").select_option(label="Question")
    page.get_by_label("Message").fill("How do you **raise** the collection rate?")

    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name="Preview")
    expect(preview.locator("strong")).to_have_text("raise")

    page.get_by_role("button", name="Start the thread").click()
    expect(page).to_have_url(re.compile(r"/t/\d+#post-\d+$"))  # at its opening post
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Collecting property tax in small councils"
    )
    expect(page.locator(".notice-pending")).to_contain_text("Awaiting approval")
    expect(page.locator(".flash")).to_contain_text("will appear once approved")

    # Its author still sees it on the board, apart from the published threads, marked.
    page.goto("/b/financial-management")
    waiting = page.locator(".unpublished-threads")
    expect(waiting).to_contain_text("Collecting property tax in small councils")
    expect(waiting).to_contain_text("Awaiting approval")
    expect(page.locator(".thread-list")).to_have_count(0)


@pytest.fixture
def discussion(app, person):
    """A thread: opening post A, a reply B to A, then a later reply D to A."""
    author = person(language="ar")
    with app.app_context():
        thread = factories.make_thread(author.id, title="الجباية في المجالس القروية")
        opening = thread.first_post
        first = factories.make_reply(author.id, thread, body="الرد الأول", parent=opening)
        later = factories.make_reply(author.id, thread, body="رد لاحق", parent=opening)
        return {"thread": thread.id, "A": opening.id, "B": first.id, "D": later.id}


def test_a_reply_to_a_post_shows_nested_under_it(open_page, person, discussion):
    page = open_page(f"/t/{discussion['thread']}", person=person())
    post_b = page.locator(f"#post-{discussion['B']}")
    post_b.get_by_role("link", name="Reply").click()
    expect(page.locator(".quoted-post")).to_contain_text("الرد الأول")
    page.get_by_label("Message").fill("A reply to the first reply")
    page.get_by_role("button", name="Post reply").click()

    expect(page).to_have_url(re.compile(r"/t/\d+#post-\d+$"))
    reply_id = int(page.url.rsplit("#post-", 1)[1])
    reply = page.locator(f"#post-{reply_id}")
    expect(reply).to_contain_text("A reply to the first reply")
    expect(reply).to_have_class(re.compile(r"\bdepth-2\b"))
    expect(post_b).to_have_class(re.compile(r"\bdepth-1\b"))

    order = page.locator(".posts > article.post").evaluate_all("posts => posts.map(p => p.id)")
    expected = [discussion["A"], discussion["B"], reply_id, discussion["D"]]
    assert order == [f"post-{post_id}" for post_id in expected]

    opening_x = page.locator(f"#post-{discussion['A']}").bounding_box()["x"]
    assert opening_x < post_b.bounding_box()["x"] < reply.bounding_box()["x"]


def test_a_reply_is_indented_from_the_right_in_arabic(open_page, person, discussion):
    page = open_page(f"/t/{discussion['thread']}", language="ar", person=person(language="ar"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    opening = page.locator(f"#post-{discussion['A']}").bounding_box()
    reply = page.locator(f"#post-{discussion['B']}").bounding_box()
    assert reply["x"] + reply["width"] < opening["x"] + opening["width"]


def test_editing_a_post_saves_the_new_text(app, open_page, person):
    member = person()
    with app.app_context():
        thread = factories.make_thread(member.id, title="Budget calendar", body="First draft")
        thread_id, post_id = thread.id, thread.first_post_id
    page = open_page(f"/t/{thread_id}", person=member)
    post = page.locator(f"#post-{post_id}")
    post.get_by_role("link", name="Edit").click()
    expect(page.get_by_label("Title")).to_have_value("Budget calendar")
    expect(page.get_by_label("Message")).to_have_value("First draft")
    page.get_by_label("Message").fill("Second draft, with the *dates*")
    page.get_by_role("button", name="Save changes").click()

    expect(page.locator(".flash")).to_have_text("Your changes were saved.")
    expect(post.locator(".post-body")).to_contain_text("Second draft, with the dates")
    expect(post.locator(".post-body em")).to_have_text("dates")
    expect(post.locator(".post-edited")).to_be_visible()
    with app.app_context():
        assert db.session.get(Post, post_id).body_source == "Second draft, with the *dates*"
