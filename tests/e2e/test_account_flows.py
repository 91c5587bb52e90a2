"""Registering, logging in, switching the language and reading a task force's board, in Chromium."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from forum.extensions import db
from forum.models import Mail

pytestmark = pytest.mark.browser


def test_register_confirm_the_address_then_log_in_and_out(app, open_page, authority):
    page = open_page("/")
    page.get_by_role("link", name="Register").click()
    page.get_by_label("Display name").fill("Rana Haddad")
    page.get_by_label("Email").fill("rana@example.org")
    page.get_by_label("Local authority").select_option(label="Test Municipality")
    page.get_by_label("Job title").fill("Budget officer")
    page.get_by_label("Password", exact=True).fill("a long enough password")
    page.get_by_label("Repeat the password").fill("a long enough password")
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your mail")

    with app.app_context():
        mail = db.session.scalar(select(Mail).where(Mail.kind == "verify_email"))
        link = re.search(r"https?://\S+/auth/verify/\S+", mail.text_body).group(0)
    page.goto("/" + link.split("/", 3)[3])
    expect(page.get_by_role("status")).to_have_text("Thank you: your address is confirmed.")
    page.get_by_label("Email").fill("rana@example.org")
    page.get_by_label("Password").fill("a wrong password!")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Wrong email or password.")

    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Log in").click()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Rana Haddad")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/$"))
    nav.get_by_role("button", name="Log out").click()
    expect(nav.get_by_role("link", name="Log in")).to_be_visible()


def test_register_form_shows_errors_next_to_fields(open_page):
    page = open_page("/auth/register")
    page.get_by_role("button", name="Create the account").click()
    display_name = page.get_by_label("Display name")
    expect(display_name).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#display_name-error")).to_have_text("This field is required.")
    expect(page.get_by_role("alert")).to_be_visible()


def test_switching_the_language_turns_the_page_left_to_right(open_page):
    page = open_page("/b/financial-management", language="ar")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    brand_start = _inline_start_edge(page, ".brand")
    assert brand_start > 640, "in Arabic the brand starts at the right-hand side"

    _switch_language(page, "English")
    expect(html).to_have_attribute("dir", "ltr")
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/b/financial-management$"))
    assert _inline_start_edge(page, ".brand") < 640, "in English it starts at the left"
    expect(page.get_by_role("heading", level=1)).to_have_text("Financial Management Platform")

    _switch_language(page, "العربية")
    expect(html).to_have_attribute("dir", "rtl")


def test_a_member_s_language_follows_them_after_logging_in(open_page, person):
    arabic_reader = person(language="ar")
    page = open_page("/", language="en", person=arabic_reader)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    _switch_language(page, "English")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    page.reload()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")


def test_a_task_force_member_reads_their_board_and_a_visitor_gets_404(open_page, person):
    member = person(task_force="financial-experts")
    page = open_page("/", person=member)
    section = page.get_by_role("region", name="Task forces")
    section.get_by_role("link", name="Financial Experts Task Force").click()
    expect(page).to_have_url(re.compile(r"/b/tf-financial-experts$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Financial Experts Task Force")

    visitor = open_page(None)
    response = visitor.goto("/b/tf-financial-experts")
    assert response.status == 404
    expect(visitor.get_by_role("heading", level=1)).to_have_text(
        "The page you asked for does not exist."
    )
    visitor.goto("/")
    expect(visitor.get_by_text("Financial Experts Task Force")).to_have_count(0)


def _switch_language(page, name):
    page.locator(".language-switch").get_by_text(name, exact=True).click()


def _inline_start_edge(page, selector):
    """Where the element's text starts: its right edge in RTL, its left edge in LTR."""
    box = page.locator(selector).bounding_box()
    direction = page.locator("html").get_attribute("dir")
    return box["x"] + box["width"] if direction == "rtl" else box["x"]
