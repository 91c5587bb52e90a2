"""The design system's promises that need no browser: the bundled face and its licence, one
URL for each font file, logical properties only, no word split by a global rule, dates a
cached page can keep, avatars, staff badges, names isolated, the private marker and the home
page's last poster (tests/e2e checks what the browser draws)."""

import hashlib
import re
from datetime import datetime
from pathlib import Path

from flask import render_template_string

from forum.extensions import db
from forum.models import User
from forum.moderation import actions as moderation
from forum.people import avatar, colour, initials
from tests import factories

STATIC = Path(__file__).resolve().parents[1] / "static"
CSS = (STATIC / "css" / "forum.css").read_text(encoding="utf-8")
FONT_FACES = re.findall(r"@font-face\s*\{(.*?)\}", CSS, re.DOTALL)


def test_the_bundled_face_is_declared_subset_by_subset_with_its_licence():
    assert len(FONT_FACES) == 4  # Arabic and Latin, regular and semibold
    for face in FONT_FACES:
        assert '"IBM Plex Sans Arabic"' in face
        assert "font-display: swap" in face
        assert "unicode-range: U+" in face
        name, version = re.search(r'url\("\.\./fonts/([^"?]+)\?v=(\w+)"\)', face).groups()
        font = STATIC / "fonts" / name
        # ?v= is the content hash static_url() writes: the preloaded URL is this one.
        assert version == hashlib.sha256(font.read_bytes()).hexdigest()[:12], name
    assert "SIL Open Font License" in (STATIC / "fonts" / "OFL.txt").read_text()
    assert "Noto Color Emoji" in CSS and "Segoe UI Emoji" in CSS  # emoji, not boxes


def test_the_preloaded_font_is_the_one_the_stylesheet_asks_for(app, client):
    for language, subset in (("ar", "arabic"), ("en", "latin")):
        page = client.get("/", headers={"Accept-Language": language}).get_data(as_text=True)
        preload = re.search(r'<link rel="preload" href="([^"]+)" as="font"', page).group(1)
        assert f"ibm-plex-sans-arabic-{subset}-400-normal.woff2?v=" in preload
        assert preload.removeprefix("/static/").replace("fonts/", "../fonts/") in CSS


def test_the_stylesheet_uses_logical_properties_and_splits_no_word():
    physical = re.compile(
        r"(?<![\w-])(margin|padding|border|inset)-(left|right|top|bottom)\b"
        r"|(?<![\w-])(left|right|top|bottom)\s*:|text-align:\s*(left|right)"
        r"|float:\s*(left|right)|(?<![\w-])(width|height)\s*:"
    )
    assert physical.findall(re.sub(r"/\*.*?\*/", "", CSS, flags=re.DOTALL)) == []
    assert "anywhere" not in CSS  # a word is never broken inside itself


def test_pages_carry_no_inline_script(app, client):
    page = client.get("/").get_data(as_text=True)
    assert re.findall(r"<script(?![^>]*\ssrc=)", page) == []
    assert re.search(
        r'<script src="/static/js/dates\.js\?v=\w+" data-time-zone="[\w/]+" defer>', page
    )


def test_dates_are_absolute_on_the_server_and_the_full_date_is_on_hover(app):
    when = datetime(2026, 11, 3, 16, 52, 28)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        english = render_template_string("{{ when(value) }}", value=when)
    with app.test_request_context(headers={"Accept-Language": "ar"}):
        arabic = render_template_string("{{ when(value) }}", value=when)
    # 16:52 UTC is 18:52 in Hebron: no seconds, nothing that changes with the day.
    assert english == (
        '<time datetime="2026-11-03T16:52:28Z" title="Tuesday 3 November 2026, 6:52 PM" '
        "data-when>3 Nov 2026, 6:52 PM</time>"
    )
    assert 'title="الثلاثاء 3 نوفمبر 2026\u060c 6:52 م"' in arabic
    assert ">3 نوفمبر 2026\u060c 6:52 م</time>" in arabic


def test_avatars_are_initials_on_a_colour_of_the_member():
    assert initials("Yousef Haddad") == "YH"
    assert initials("سلمى خالد") == "س"  # Arabic letters apart lose their joined forms
    assert initials("  ") == "?"
    assert colour(3) == colour(3) != colour(4)
    assert str(avatar(3, "Salma Haddad <b>")) == (
        f'<span class="avatar avatar-{colour(3)}" aria-hidden="true">SH</span>'
    )
    assert 'class="avatar avatar-0 avatar-small"' in avatar(8, "x", "small")


def test_staff_carry_a_badge_on_their_posts_and_profile(app, client, member, moderator, admin):
    with app.app_context():
        thread = factories.make_thread(member.id)
        factories.make_reply(moderator.id, thread)
        factories.make_reply(admin.id, thread)
        thread_id = thread.id
    page = client.get(f"/t/{thread_id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert page.count('class="badge badge-staff badge-moderator">Moderator<') == 1
    assert page.count('class="badge badge-staff badge-admin">Administrator<') == 1
    assert f"<bdi>{member.name}</bdi>" in page
    profile = client.get(f"/u/{moderator.id}", headers={"Accept-Language": "ar"})
    assert 'badge-moderator">مشرف<' in profile.get_data(as_text=True)
    assert "badge-staff" not in client.get(f"/u/{member.id}").get_data(as_text=True)


def test_the_log_shows_whose_thread_as_an_isolated_name(app, login, member, admin):
    with app.app_context():
        thread = factories.make_thread(member.id, published=False)
        moderation.reject_thread(db.session.get(User, admin.id), thread, reason="spam")
        db.session.commit()
    reader = login(admin, on=app.test_client())  # who reads in Arabic
    page = reader.get("/mod/log").get_data(as_text=True)
    by = re.search(r'<span class="mod-meta">(.*?)</span>', page).group(1)
    assert by == f"بقلم <bdi>{member.name}</bdi>"
    assert re.search(r'<td data-label="[^"]+"><bdi>', page)


def test_home_shows_the_last_poster_and_private_boards(app, login, member, task_force_member):
    with app.app_context():
        thread = factories.make_thread(member.id, "tf-financial-experts", title="خطة التحصيل")
        factories.make_reply(task_force_member.id, thread)
        thread_id = thread.id
    reader = login(task_force_member, on=app.test_client())
    home = reader.get("/").get_data(as_text=True)
    card = home[home.index("tf-financial-experts") :]
    card = card[: card.index("</li>")]
    assert 'badge-private">خاص<' in card
    assert "خطة التحصيل" in card and f"<bdi>{task_force_member.name}</bdi>" in card
    assert "رد واحد" in card or "1" in card
    assert 'badge-private">خاص<' in reader.get(f"/t/{thread_id}").get_data(as_text=True)
    public = reader.get("/b/financial-management").get_data(as_text=True)
    assert "badge-private" not in public
