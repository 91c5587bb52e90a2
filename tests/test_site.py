"""Arabic first: language choice, direction, localised errors, health check, seed data."""

from datetime import datetime

import pytest
from flask import render_template_string, url_for
from flask_babel import format_date, format_datetime, gettext
from sqlalchemy import select

from forum.extensions import db
from forum.models import Board, TaskForce, User
from forum.seed import PLATFORMS, TASK_FORCES
from forum.templating import UrlPattern
from tests.factories import submit

SEED_PLATFORMS = [
    "منصة العلاقات العامة",
    "منصة الإدارة المالية",
    "منصة الهندسة والتخطيط",
    "منصة الإبداع والابتكار",
    "منصة المجالس القروية",
    "منصة أهداف التنمية المستدامة",
    "منصة الإدماج والشمول",
]
SEED_TASK_FORCES = [
    "فريق عمل الخبراء الماليين",
    "فريق عمل الشمول والنوع الاجتماعي",
    "فريق عمل توطين أهداف التنمية المستدامة",
    "فريق عمل الشراكات الدولية والتعاون اللامركزي",
]


def test_home_is_arabic_rtl_and_lists_the_seven_platforms(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    for name in SEED_PLATFORMS:
        assert name in page
    assert "منصات تبادل الخبرات" in page
    # Task-force boards are restricted: a visitor sees none of them.
    for name in SEED_TASK_FORCES:
        assert name not in page


def test_seed_is_exactly_seven_platforms_and_four_task_forces_verbatim(app):
    with app.app_context():
        platforms = db.session.scalars(
            select(Board.name_ar).where(Board.task_force_id.is_(None)).order_by(Board.position)
        ).all()
        task_forces = db.session.scalars(select(TaskForce.name_ar).order_by(TaskForce.id)).all()
        restricted = db.session.scalars(select(Board).where(Board.access == "restricted")).all()
    assert platforms == SEED_PLATFORMS
    assert task_forces == SEED_TASK_FORCES
    assert sorted(board.name_ar for board in restricted) == sorted(SEED_TASK_FORCES)
    assert all(english for _, _, english, _, _ in PLATFORMS + TASK_FORCES)


def test_seed_loads_only_once(app):
    from forum.seed import load_seed

    with app.app_context():
        load_seed()
        db.session.commit()
        assert db.session.scalar(select(db.func.count()).select_from(Board)) == 11


def test_accept_language_english_gives_ltr_english(client):
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in page
    assert "Public Relations Platform" in page
    assert "Experience Exchange Platforms" in page


def test_language_link_for_visitor(client):
    response = client.get("/language/en?next=/b/sdgs")
    assert response.headers["Location"] == "/b/sdgs"
    assert '<html lang="en" dir="ltr">' in client.get("/").get_data(as_text=True)
    assert "/language/ar?next=" in client.get("/").get_data(as_text=True)


def test_language_switch_form_ignores_foreign_next(client):
    data = {"language": "en", "next": "//evil.example"}
    response = submit(client, "/language", data, form_page="/auth/login")
    assert response.headers["Location"] == "/"
    assert '<html lang="en" dir="ltr">' in client.get("/").get_data(as_text=True)


def test_language_choice_is_saved_on_the_account(app, client, login, member):
    login(member)
    client.get("/language/en?next=/")
    with app.app_context():
        assert db.session.get(User, member.id).language == "en"


@pytest.mark.parametrize(
    ("language", "text"), [("ar", "الصفحة التي طلبتها غير موجودة."), ("en", "does not exist")]
)
def test_unknown_url_gives_localised_404(client, language, text):
    response = client.get("/no/such/page", headers={"Accept-Language": language})
    assert response.status_code == 404
    assert text in response.get_data(as_text=True)


def test_csrf_failure_is_a_localised_400(client, member):
    response = client.post("/auth/login", data={"email": member.email, "password": "x"})
    assert response.status_code == 400
    assert "انتهت صلاحية النموذج" in response.get_data(as_text=True)


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_static_urls_carry_a_content_hash(client):
    page = client.get("/").get_data(as_text=True)
    assert "/static/css/forum.css?v=" in page


@pytest.mark.parametrize("root", ["", "/forum"])
def test_url_patterns_build_what_url_for_builds(app, root):
    links = [
        ("threads.show_post", "post_id", {}),
        ("threads.reply", "to", {"thread_id": 7}),
        ("moderation.reject_item", "item_id", {"kind": "post", "next": "/t/7?page=2"}),
    ]
    with app.test_request_context(base_url=f"http://localhost{root}/"):
        for endpoint, key, values in links:
            pattern = UrlPattern(endpoint, key, **values)
            for number in (1, 7, 123456):
                assert pattern % number == url_for(endpoint, **values, **{key: number})


# Without seconds, with the language's own comma (forum.templating).
DATE_TIME = {"ar": "d MMM y\u060c h:mm a", "en": "d MMM y, h:mm a"}


@pytest.mark.parametrize("language", ["ar", "en"])
def test_templates_translate_escape_and_format_as_jinja_does(app, language):
    """`_` and dates are bound to the reader's language once per render (forum.templating)."""
    source = (
        "{{ _('Reply') }}|{{ _('In reply to %(name)s', name='<b>') }}|"
        "{% autoescape false %}{{ _('In reply to %(name)s', name='<b>') }}{% endautoescape %}|"
        "{{ when | datetime }}|{{ when | date }}"
    )
    when = datetime(2026, 3, 1, 9, 30)
    with app.test_request_context(headers={"Accept-Language": language}):
        in_reply_to = gettext("In reply to %(name)s", name="<b>")
        expected = (
            f"{gettext('Reply')}|{in_reply_to.replace('<b>', '&lt;b&gt;')}|{in_reply_to}|"
            f"{format_datetime(when, DATE_TIME[language])}|{format_date(when, 'long')}"
        )
        assert render_template_string(source, when=when) == expected
    assert ("Reply" in expected) == (language == "en")
    assert ("March" in expected) == (language == "en")
