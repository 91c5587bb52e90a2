"""Invisible characters leave titles and names; a display name may not pass for another's."""

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Thread, User
from forum.names import likeness_key, visible
from tests.factories import make_person, submit

NEW_THREAD = "/t/new?board=financial-management"
TOO_LIKE = "هذا الاسم الظاهر يشبه اسم عضو آخر."
INVISIBLE = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
             "\u2069", "\u200e", "\u200f", "\u061c", "\u200b", "\u200c", "\u200d", "\u2060",
             "\ufeff", "\u00ad", "\u180e", "\u3164", "\U000e0041"]  # fmt: skip


@pytest.mark.parametrize("character", INVISIBLE)
def test_invisible_characters_are_stripped(character):
    assert visible(f"  تقرير{character}report {character} ") == "تقريرreport"
    assert visible(character * 3) == ""


def test_a_saved_title_holds_no_bidi_control(app, client, login, member):
    login(member)
    title = "صورة الموازنة \u202egnp.exe\u202c"
    response = submit(client, NEW_THREAD, {"title": title, "kind": "question", "body": "نص"})
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.scalar(select(Thread.title))
    assert saved == "صورة الموازنة gnp.exe"
    assert "\u202e" not in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("title", ["\u200b\u200b\u200b\u200b", "\u202e\u2066 \u200f\u2069"])
def test_a_title_of_invisible_characters_alone_is_refused(app, client, login, member, title):
    login(member)
    response = submit(client, NEW_THREAD, {"title": title, "kind": "question", "body": "نص"})
    assert response.status_code == 422
    assert "هذا الحقل مطلوب." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Thread.id)) is None


def _register(client, name, email="new@example.org"):
    return submit(client, "/auth/register", {
        "display_name": name, "email": email, "password": "long enough 123",
        "confirm": "long enough 123", "authority_id": "0",
    })  # fmt: skip


@pytest.mark.parametrize(
    "imitation",
    ["Admin\u200bistrator", "ADMINISTRATOR", "Аdministrator",  # Cyrillic А
     "Ａｄｍｉｎｉｓｔｒａｔｏｒ", " Administrator\u202c", "Admin istrator", "Adm1nistrator"],
)  # fmt: skip
def test_a_name_that_imitates_a_staff_members_is_refused_at_registration(app, client,
                                                                          imitation):  # fmt: skip
    with app.app_context():
        make_person(role="admin", name="Administrator")
    response = _register(client, imitation)
    assert response.status_code == 422
    assert TOO_LIKE in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "new@example.org")) is None


@pytest.mark.parametrize("imitation", ["احمد المدير", "أحمد  المُدير", "أحمد المديـــر"])
def test_arabic_spellings_of_one_name_are_one_name(app, client, imitation):
    with app.app_context():
        make_person(role="moderator", name="أحمد المدير")
    response = _register(client, imitation)
    assert response.status_code == 422
    assert TOO_LIKE in response.get_data(as_text=True)


def test_a_name_of_invisible_characters_alone_is_refused(client):
    response = _register(client, "\u200b\u200d\u2060")
    assert response.status_code == 422
    assert "هذا الحقل مطلوب." in response.get_data(as_text=True)


def test_settings_refuse_another_members_name_but_keep_ones_own(app, client, login, member,
                                                               other_member):  # fmt: skip
    login(member)
    data = {"display_name": other_member.name.upper() + "\u200f", "language": "ar"}
    response = submit(client, "/settings", data)
    assert response.status_code == 422
    assert TOO_LIKE in response.get_data(as_text=True)
    # Their own name, written with an invisible mark, is theirs still (and saved without it).
    response = submit(client, "/settings", {"display_name": f"\u2067{member.name}\u2069",
                                            "language": "ar"})  # fmt: skip
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, member.id).display_name == member.name


def test_the_command_line_refuses_a_look_alike_name(app, runner, admin):
    arguments = ["--email", "x@example.org", "--name", admin.name + "\u200b",
                 "--password", "long enough 1"]  # fmt: skip
    result = runner.invoke(args=["forum", "create-user", *arguments])
    assert result.exit_code != 0
    assert "another member" in result.output or "عضو آخر" in result.output


def test_different_names_stay_different():
    assert likeness_key("سامي خليل") != likeness_key("سامي خليلي")
    assert likeness_key("Ola") != likeness_key("Ala")
    assert likeness_key("موظف 01") != likeness_key("موظف 10")
