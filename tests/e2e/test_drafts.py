"""Typed text kept by the browser (static/js/drafts.js) and by the server, in Chromium."""

import re

import pytest
from playwright.sync_api import expect

from forum.extensions import db
from forum.models import User
from tests import factories

pytestmark = pytest.mark.browser

TEXT = "A long answer about the water tariff, typed before the session ended"


@pytest.fixture
def thread_id(app, person):
    author = person()
    with app.app_context():
        return factories.make_thread(author.id, title="Water tariffs").id


def kept_keys(page):
    return page.evaluate(
        "Object.keys(localStorage).filter(key => key.startsWith('tabadul-draft:'))"
    )


def test_text_typed_and_left_comes_back_on_the_page(open_page, person, thread_id):
    page = open_page(f"/t/{thread_id}", person=person())
    page.get_by_label("Message").fill(TEXT)
    page.reload()
    expect(page.get_by_label("Message")).to_have_value(TEXT)


def test_a_lost_session_loses_no_text_and_sending_clears_the_copy(open_page, person, thread_id):
    member = person()
    page = open_page(f"/t/{thread_id}", person=member)
    page.get_by_label("Message").fill(TEXT)
    # The cookies go (the browser's session ended): the server cannot tell whose text it is.
    page.context.clear_cookies()
    page.get_by_role("button", name="Post reply").click()
    expect(page).to_have_url(re.compile(r"/auth/login\?next="))
    page.locator("#email").fill(member.email)
    page.locator("#password").fill(member.password)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/t/{thread_id}/reply$"))
    expect(page.get_by_label("Message")).to_have_value(TEXT)  # from this browser

    page.get_by_role("button", name="Post reply").click()
    expect(page).to_have_url(re.compile(r"#post-\d+$"))
    expect(page.locator(".posts")).to_contain_text(TEXT)
    assert kept_keys(page) == []
    expect(page.get_by_label("Message")).to_have_value("")


def test_a_session_ended_on_the_server_keeps_the_text_there(app, open_page, person, thread_id):
    member = person()
    page = open_page(f"/t/{thread_id}", person=member)
    page.evaluate("localStorage.clear()")
    page.get_by_label("Message").fill(TEXT)
    page.evaluate("localStorage.clear()")  # only the server's copy remains
    with app.app_context():
        db.session.get(User, member.id).end_sessions()
        db.session.commit()
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator(".flash")).to_contain_text("your text was kept")
    log_in_again = page.locator("main form button[type=submit]")
    page.locator("#email").fill(member.email)
    page.locator("#password").fill(member.password)
    log_in_again.click()
    expect(page.get_by_label("Message")).to_have_value(TEXT)
    expect(page.locator(".draft-restored")).to_be_visible()
