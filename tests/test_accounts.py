"""Registering, logging in and out, settings and profiles, through the real forms."""

import pytest
from sqlalchemy import select

from forum.clock import utcnow
from forum.extensions import db
from forum.models import User
from tests.factories import PASSWORD, make_thread, submit

REGISTRATION = {
    "display_name": "منى حسن",
    "email": "Mona@Example.org",
    "authority_id": "0",
    "job_title": "مهندسة",
    "password": "a long enough password",
    "confirm": "a long enough password",
}


def test_register_asks_to_confirm_the_address_and_stores_it_lowercased(app, client, authority):
    response = submit(client, "/auth/register", {**REGISTRATION, "authority_id": str(authority)})
    assert response.status_code == 200
    assert "تحقّق من بريدك" in response.get_data(as_text=True)
    # Not logged in: the page must look the same for an address that already had an account.
    assert "منى حسن" not in client.get("/").get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.email == "mona@example.org"
        assert user.authority_id == authority
        assert user.check_password("a long enough password")
        assert "a long enough password" not in user.password_hash
        assert user.email_verified_at is None


def test_duplicate_email_in_other_case_makes_no_second_account(app, client, member):
    """The page does not say the address is taken (tests/test_account_lifecycle.py checks
    it is the same page, and the mail its owner gets instead)."""
    data = {**REGISTRATION, "email": member.email.upper()}
    response = submit(client, "/auth/register", data)
    assert response.status_code == 200
    assert "يوجد حساب" not in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(User)) == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "أدخل بريدًا إلكترونيًا صحيحًا."),
        ("password", "short", "استخدم من 10 إلى 200 حرفًا."),
        ("confirm", "something else entirely", "كلمتا المرور غير متطابقتين."),
        ("display_name", "", "هذا الحقل مطلوب."),
    ],
)
def test_registration_errors_are_localised(client, field, value, message):
    response = submit(client, "/auth/register", {**REGISTRATION, field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize("wrong", ["email", "password"])
def test_wrong_login_does_not_say_which_part_was_wrong(client, member, wrong):
    data = {"email": member.email, "password": PASSWORD}
    data[wrong] = "nobody@example.org" if wrong == "email" else "wrong password!"
    response = submit(client, "/auth/login", data)
    assert response.status_code == 422
    assert "البريد الإلكتروني أو كلمة المرور غير صحيحة." in response.get_data(as_text=True)


def test_login_then_logout(client, login, member):
    login(member)
    assert member.name in client.get("/").get_data(as_text=True)
    submit(client, "/auth/logout", {}, form_page="/")
    assert member.name not in client.get("/").get_data(as_text=True)


def test_login_redirects_only_to_local_pages(client, member):
    data = {"email": member.email, "password": PASSWORD}
    response = submit(client, "/auth/login?next=https://evil.example/", data)
    assert response.headers["Location"] == "/"
    submit(client, "/auth/logout", {}, form_page="/")
    response = submit(client, "/auth/login?next=/b/sdgs", data)
    assert response.headers["Location"] == "/b/sdgs"


def test_suspended_member_cannot_log_in_and_is_told_why(client, suspended):
    response = submit(client, "/auth/login", {"email": suspended.email, "password": PASSWORD})
    assert response.status_code == 422
    assert "حسابك موقوف." in response.get_data(as_text=True)


def test_settings_change_language_and_name(app, client, login, member):
    login(member)
    response = submit(
        client, "/settings", {"display_name": "اسم جديد", "job_title": "", "language": "en"}
    )
    assert response.status_code == 302
    page = client.get("/settings").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in page
    with app.app_context():
        assert db.session.get(User, member.id).display_name == "اسم جديد"


def test_password_change_needs_the_current_password(app, client, login, member):
    login(member)
    data = {
        "password-current_password": "not the password",
        "password-new_password": "a brand new password",
        "password-confirm": "a brand new password",
    }
    wrong = submit(client, "/settings/password", data, form_page="/settings")
    assert wrong.status_code == 422
    assert "كلمة المرور الحالية غير صحيحة." in wrong.get_data(as_text=True)
    data["password-current_password"] = PASSWORD
    assert submit(client, "/settings/password", data, form_page="/settings").status_code == 302
    with app.app_context():
        assert db.session.get(User, member.id).check_password("a brand new password")


def test_settings_need_login(client):
    response = client.get("/settings")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_profile_shows_authority_and_recent_posts(app, client, member):
    with app.app_context():
        make_thread(member.id, title="موضوع ظاهر في الملف")
    page = client.get(f"/u/{member.id}").get_data(as_text=True)
    assert "بلدية الاختبار" in page
    assert "موضوع ظاهر في الملف" in page


def test_unknown_profile_is_404(client):
    assert client.get("/u/424242").status_code == 404


def test_password_change_ends_other_sessions_but_keeps_this_one(app, client, login, member):
    other_device = login(member, on=app.test_client())
    login(member)
    data = {
        "password-current_password": PASSWORD,
        "password-new_password": "a brand new password",
        "password-confirm": "a brand new password",
    }
    assert submit(client, "/settings/password", data, form_page="/settings").status_code == 302
    assert client.get("/settings").status_code == 200
    assert other_device.get("/settings").status_code == 302


def test_session_from_before_a_suspension_does_not_return_after_reactivation(
    app, client, login, member
):
    login(member)
    with app.app_context():
        user = db.session.get(User, member.id)
        user.suspended_at = utcnow()
        user.end_sessions()
        db.session.commit()
    assert client.get("/settings").status_code == 302
    with app.app_context():
        db.session.get(User, member.id).suspended_at = None
        db.session.commit()
    assert client.get("/settings").status_code == 302
