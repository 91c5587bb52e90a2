"""A moderator approves a pending thread; a member flags a post and the moderator sees it; an
edited post shows its history. In Chromium."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.browser


@pytest.fixture
def moderator(person):
    return person(role="moderator", moderates=["financial-management"])


def test_a_moderator_approves_a_pending_thread(app, open_page, person, moderator):
    member = person()
    with app.app_context():
        thread = factories.make_thread(
            member.id,
            title="Unified budget templates",
            body="A proposal for every council.",
            published=False,
        )
        thread_id = thread.id
    visitor = open_page("/b/financial-management")
    expect(visitor.get_by_role("link", name="Unified budget templates")).to_have_count(0)

    page = open_page("/", person=moderator)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Moderation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Approval queue")
    item = page.locator(f"#item-thread-{thread_id}")
    expect(item).to_contain_text("A proposal for every council.")
    item.get_by_role("button", name="Approve").click()
    expect(page.locator(".flash")).to_have_text("1 item approved.")
    expect(page.locator(f"#item-thread-{thread_id}")).to_have_count(0)

    visitor.reload()
    visitor.get_by_role("link", name="Unified budget templates").click()
    expect(visitor).to_have_url(re.compile(rf"/t/{thread_id}$"))
    expect(visitor.locator(".notice-pending")).to_have_count(0)

    author = open_page("/", person=member)
    author.get_by_role("navigation", name="Main").get_by_role("link", name="Notifications").click()
    author.get_by_role("button", name="Your thread “Unified budget templates” was approved").click()
    expect(author).to_have_url(re.compile(rf"/t/{thread_id}"))
    expect(author.get_by_role("heading", level=1)).to_have_text("Unified budget templates")


def test_a_moderator_rejects_a_thread_and_the_author_sees_why(app, open_page, person, moderator):
    member = person()
    with app.app_context():
        thread = factories.make_thread(
            member.id, title="Buy our software", body="Special offer.", published=False
        )
        thread_id = thread.id
    page = open_page("/mod/queue", person=moderator)
    page.locator(f"#item-thread-{thread_id}").get_by_role("link", name="Reject…").click()
    page.get_by_label("Reason", exact=True).select_option(label="Advertising or spam")
    page.get_by_role("button", name="Reject", exact=True).click()
    expect(page.locator(".flash")).to_have_text("Rejected. The author was told why.")

    author = open_page(f"/t/{thread_id}", person=member)
    expect(author.locator(".notice-rejected")).to_contain_text("Advertising or spam")


def test_a_flagged_post_reaches_the_moderators_flag_queue(app, open_page, person, moderator):
    author, reader = person(), person()
    with app.app_context():
        thread = factories.make_thread(author.id, title="Street lighting tenders")
        post_id = factories.make_reply(author.id, thread, body="Buy my product now!").id
        thread_id = thread.id
    page = open_page(f"/t/{thread_id}", person=reader)
    page.locator(f"#post-{post_id}").get_by_role("link", name="Flag").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Flag a post")
    page.get_by_label("What is wrong with this post?").select_option(label="Spam")
    page.get_by_label("Tell the moderators more").fill("An advertisement, not a reply.")
    page.get_by_role("button", name="Send to the moderators").click()
    expect(page.locator(".flash")).to_contain_text("the moderators will look at this post")

    page = open_page("/mod/flags", person=moderator)
    flagged = page.locator(f"#flagged-{post_id}")
    expect(flagged).to_contain_text("Buy my product now!")
    expect(flagged.locator(".flag-list")).to_contain_text("Spam")
    expect(flagged.locator(".flag-list")).to_contain_text("An advertisement, not a reply.")
    expect(flagged.locator(".flag-list")).to_contain_text(reader.name)


def test_an_edited_post_shows_its_history(app, open_page, person):
    member = person()
    with app.app_context():
        thread = factories.make_thread(member.id, title="Water tariffs", body="Tariffs rose in May")
        thread_id, post_id = thread.id, thread.first_post_id
    page = open_page(f"/t/{thread_id}", person=member)
    post = page.locator(f"#post-{post_id}")
    post.get_by_role("link", name="Edit").click()
    page.get_by_label("Message").fill("Tariffs rose in June")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".flash")).to_have_text("Your changes were saved.")

    post.get_by_role("link", name="History").click()
    expect(page).to_have_url(re.compile(rf"/p/{post_id}/history$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Post history")
    versions = page.locator(".history-version")
    expect(versions).to_have_count(2)
    expect(versions.first.locator("ins")).to_contain_text("June")
    expect(versions.first.locator("del")).to_contain_text("May")
