"""Who may join, confirming an address, resetting a password, and logins that really end:
through the real forms, with CSRF on, reading the mail the forum queues in its outbox."""

import logging
import re
from datetime import timedelta

import pytest
import time_machine
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from forum import create_app, worker
from forum import mail as outbox
from forum.admin.actions import create_invitation
from forum.clock import utcnow
from forum.extensions import db
from forum.feeds.actions import issue_feed_token
from forum.models import AdminLog, Invitation, LoginSession, Mail, SiteSettings, User
from tests.api_helpers import make_token as make_api_token
from tests.conftest import scratch_database
from tests.factories import (
    PASSWORD,
    board_by_slug,
    csrf_token,
    make_person,
    make_thread,
    make_user,
    submit,
)
from tests.test_mail import free_port, smtp_server

NEW_PASSWORD = "a long enough password"
REGISTRATION = {
    "display_name": "منى حسن",
    "email": "mona@nablus.ps",
    "authority_id": "0",
    "job_title": "مهندسة",
    "password": NEW_PASSWORD,
    "confirm": NEW_PASSWORD,
}
CHECK_YOUR_MAIL = "تحقّق من بريدك"
_LINK = re.compile(r"https?://\S+")


def register(client, **changes):
    return submit(client, "/auth/register", {**REGISTRATION, **changes})


def mails(kind=None):
    query = select(Mail).order_by(Mail.id)
    if kind is not None:
        query = query.where(Mail.kind == kind)
    return db.session.scalars(query).all()


def link_in(mail):
    """The forum's link in a mail, as a path the test client can open."""
    [link] = [found for found in _LINK.findall(mail.text_body) if "/auth/" in found]
    return "/" + link.split("/", 3)[3]


def set_policy(app, policy, domains=""):
    with app.app_context():
        db.session.merge(SiteSettings(id=1, registration_policy=policy, allowed_domains=domains))
        db.session.commit()


def user_by_email(email):
    return db.session.scalar(select(User).where(User.email == email))


# Who may join: each policy, an address it admits and one it refuses ------------------------


def test_open_registration_admits_anyone(app, client):
    response = register(client, email="someone@gmail.com")
    assert response.status_code == 200
    assert CHECK_YOUR_MAIL in response.get_data(as_text=True)
    with app.app_context():
        assert user_by_email("someone@gmail.com").approval == "approved"


@pytest.mark.parametrize("email", ["mona@nablus.ps", "mona@council.nablus.ps"])
def test_domain_policy_admits_the_allowed_domains_and_their_subdomains(app, client, email):
    set_policy(app, "domains", "nablus.ps\nhebron.ps")
    response = register(client, email=email)
    assert response.status_code == 200
    with app.app_context():
        assert user_by_email(email) is not None


@pytest.mark.parametrize("email", ["mona@gmail.com", "mona@nablus.ps.evil.org", "m@xnablus.ps"])
def test_domain_policy_refuses_other_addresses_in_arabic(app, client, email):
    set_policy(app, "domains", "nablus.ps")
    response = register(client, email=email)
    assert response.status_code == 422
    assert "التسجيل متاح لعناوين الهيئات المحلية الأعضاء فقط." in response.get_data(as_text=True)
    with app.app_context():
        assert user_by_email(email) is None


def test_invitation_policy_without_an_invitation_shows_no_form(app, client):
    set_policy(app, "invitation")
    page = client.get("/auth/register")
    assert page.status_code == 403
    assert "التسجيل بالدعوة فقط." in page.get_data(as_text=True)
    assert 'name="password"' not in page.get_data(as_text=True)
    # A POST made without the page is refused just the same.
    response = client.post("/auth/register", data={**REGISTRATION, "csrf_token": "x"})
    assert response.status_code in (400, 403)
    with app.app_context():
        assert user_by_email(REGISTRATION["email"]) is None


def _invitation(app, **options):
    """An invitation's id, and the path and token of its link."""
    with app.app_context():
        invitation, link = create_invitation(None, **options)
        db.session.commit()
        path = "/" + link.split("/", 3)[3]
        return invitation.id, path, path.rsplit("=", 1)[1]


def register_invited(client, link, token, **changes):
    """Register through the invitation's page, whose form carries the token hidden."""
    assert f'value="{token}"' in client.get(link).get_data(as_text=True)
    return submit(client, "/auth/register", {**REGISTRATION, "invite": token, **changes},
                  form_page=link)  # fmt: skip


def test_an_invitation_admits_once(app, client):
    set_policy(app, "invitation")
    invitation_id, link, token = _invitation(app, days=3)
    response = register_invited(client, link, token)
    assert response.status_code == 200
    assert CHECK_YOUR_MAIL in response.get_data(as_text=True)
    with app.app_context():
        invitation = db.session.get(Invitation, invitation_id)
        assert invitation.used_by_id == user_by_email(REGISTRATION["email"]).id
    # Used: the same link opens nothing any more.
    again = app.test_client()
    assert again.get(link).status_code == 403


def test_an_expired_or_revoked_invitation_admits_no_one(app, client):
    set_policy(app, "invitation")
    _, expired, _token = _invitation(app, days=1)
    with time_machine.travel(utcnow() + timedelta(days=2)):
        assert client.get(expired).status_code == 403
    revoked_id, revoked, _token = _invitation(app, days=3)
    with app.app_context():
        db.session.get(Invitation, revoked_id).revoked_at = utcnow()
        db.session.commit()
    assert client.get(revoked).status_code == 403


def test_an_invitation_for_one_address_refuses_another(app, client):
    set_policy(app, "invitation")
    _, link, token = _invitation(app, email="invited@hebron.ps", days=3)
    with app.app_context():
        [invitation_mail] = mails("invitation")
        assert invitation_mail.to_address == "invited@hebron.ps"
        assert link in invitation_mail.text_body
    refused = register_invited(client, link, token, email="other@hebron.ps")
    assert refused.status_code == 422
    assert "هذه الدعوة غير صالحة لهذا العنوان." in refused.get_data(as_text=True)
    admitted = register_invited(client, link, token, email="invited@hebron.ps")
    assert admitted.status_code == 200


def test_approval_policy_keeps_a_new_account_waiting_until_an_admin_approves(
    app, client, login, admin
):
    set_policy(app, "approval")
    response = register(client)
    assert "سيراجع أحد المديرين حسابك" in response.get_data(as_text=True)
    with app.app_context():
        user = user_by_email(REGISTRATION["email"])
        assert user.approval == "pending"
        user_id = user.id
    waiting = submit(client, "/auth/login", {"email": REGISTRATION["email"],
                                            "password": NEW_PASSWORD})  # fmt: skip
    assert waiting.status_code == 422
    assert "حسابك بانتظار موافقة أحد المديرين." in waiting.get_data(as_text=True)
    # Its profile does not exist yet, for anyone.
    assert client.get(f"/u/{user_id}").status_code == 404

    admin_client = login(admin, on=app.test_client())
    queue = admin_client.get("/admin/registration").get_data(as_text=True)
    assert "منى حسن" in queue
    done = submit(admin_client, f"/admin/users/{user_id}/approve", {},
                  form_page="/admin/registration")  # fmt: skip
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(User, user_id).approval == "approved"
        entry = db.session.scalar(select(AdminLog).where(AdminLog.action == "user.approve"))
        assert (entry.actor_id, entry.target_id) == (admin.id, user_id)
        assert [mail.to_address for mail in mails("account_approved")] == [REGISTRATION["email"]]
    welcome = submit(client, "/auth/login", {"email": REGISTRATION["email"],
                                            "password": NEW_PASSWORD})  # fmt: skip
    assert welcome.status_code == 302


def test_a_refused_account_never_logs_in(app, client, login, admin):
    set_policy(app, "approval")
    register(client)
    with app.app_context():
        user_id = user_by_email(REGISTRATION["email"]).id
    admin_client = login(admin, on=app.test_client())
    submit(admin_client, f"/admin/users/{user_id}/refuse", {}, form_page="/admin/registration")
    with app.app_context():
        assert db.session.get(User, user_id).approval == "refused"
        assert db.session.scalar(select(AdminLog).where(AdminLog.action == "user.refuse"))
    refused = submit(client, "/auth/login", {"email": REGISTRATION["email"],
                                            "password": NEW_PASSWORD})  # fmt: skip
    assert refused.status_code == 422
    assert "البريد الإلكتروني أو كلمة المرور غير صحيحة." in refused.get_data(as_text=True)


def test_an_admin_sets_the_policy_through_the_form_and_it_is_logged(app, login, admin):
    client = login(admin)
    policy = {"registration_policy": "domains"}
    bad = submit(client, "/admin/registration", {**policy, "allowed_domains": "not a domain!"})
    assert bad.status_code == 422
    assert "اكتب كل نطاق باسمه فقط" in bad.get_data(as_text=True)
    good = submit(client, "/admin/registration",
                  {**policy, "allowed_domains": "Nablus.ps, @hebron.ps"})  # fmt: skip
    assert good.status_code == 302
    with app.app_context():
        settings = db.session.get(SiteSettings, 1)
        assert (settings.registration_policy, settings.allowed_domains) == (
            "domains", "nablus.ps\nhebron.ps")  # fmt: skip
        entry = db.session.scalar(
            select(AdminLog).where(AdminLog.action == "settings.registration")
        )
        assert "domains" in entry.details


def test_an_admin_makes_an_invitation_and_sees_its_link_once(app, login, admin):
    client = login(admin)
    page = submit(client, "/admin/registration/invitations",
                  {"invite-email": "", "invite-note": "ورشة نابلس", "invite-days": "7"},
                  form_page="/admin/registration")  # fmt: skip
    assert page.status_code == 200
    link = re.search(r'<code id="invitation-link">([^<]+)</code>', page.get_data(as_text=True))
    assert link and "/auth/register?invite=" in link.group(1)
    token = link.group(1).rsplit("=", 1)[1]
    assert token not in client.get("/admin/registration").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Invitation)).note == "ورشة نابلس"


# Confirming the address ---------------------------------------------------------------------


def test_a_new_account_gets_a_link_that_confirms_its_address(app, client):
    register(client)
    with app.app_context():
        [mail] = mails("verify_email")
        assert mail.to_address == REGISTRATION["email"]
        assert "أكّد عنوان بريدك" in mail.subject
        assert 'href="http' in mail.html_body
        link = link_in(mail)
        assert user_by_email(REGISTRATION["email"]).email_verified_at is None
    response = client.get(link)
    assert response.status_code == 302
    with app.app_context():
        assert user_by_email(REGISTRATION["email"]).email_verified_at is not None


def test_the_confirmation_mail_goes_out_by_smtp_in_both_parts(app, client):
    port = free_port()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
                      BASE_URL="https://tabadul.example.org")  # fmt: skip
    register(client)
    with smtp_server(port) as inbox, app.app_context():
        assert outbox.send_queued()["sent"] == 1
    [message] = inbox.messages
    assert message["To"].addresses[0].addr_spec == REGISTRATION["email"]
    assert message["Subject"] == "أكّد عنوان بريدك في تبادل"
    text_part = message.get_body(("plain",)).get_content()
    html_part = message.get_body(("html",)).get_content()
    [link] = re.findall(r"https://tabadul\.example\.org/auth/verify/\S+", text_part)
    assert f'href="{link}"' in html_part
    assert client.get("/" + link.split("/", 3)[3]).status_code == 302
    with app.app_context():
        assert user_by_email(REGISTRATION["email"]).is_verified


def test_a_confirmation_link_expires_and_cannot_be_forged(app, client):
    register(client)
    with app.app_context():
        link = link_in(mails("verify_email")[0])
    assert client.get(link[:-2] + "xx").status_code == 404
    with time_machine.travel(utcnow() + timedelta(days=4)):
        expired = client.get(link)
    assert expired.status_code == 404
    assert "انتهت صلاحية هذا الرابط." in expired.get_data(as_text=True)
    with app.app_context():
        assert user_by_email(REGISTRATION["email"]).email_verified_at is None


@pytest.fixture
def unverified(app, authority):
    """A member of the financial experts' task force whose address is not confirmed."""
    with app.app_context():
        person = make_person(task_force="financial-experts", authority_id=authority)
        db.session.get(User, person.id).email_verified_at = None
        db.session.commit()
        return person


@pytest.fixture
def places(app, member):
    """A public thread with a reply, a thread on the task force's board, a members' board."""
    with app.app_context():
        public = make_thread(member.id, title="موضوع عام")
        secret = make_thread(member.id, "tf-financial-experts", title="سر الفريق")
        members_board = board_by_slug("public-relations")
        members_board.access = "members"
        members_only = make_thread(member.id, "public-relations", title="للأعضاء فقط")
        db.session.commit()
        return {"public": public.id, "public_post": public.first_post_id,
                "secret": secret.id, "members_only": members_only.id}  # fmt: skip


def test_until_confirmed_a_member_reads_only_what_visitors_read_and_posts_nothing(
    app, client, login, unverified, places
):
    login(unverified)
    home = client.get("/").get_data(as_text=True)
    assert "أكّد عنوان بريدك بالرابط" in home
    assert client.get(f"/t/{places['public']}").status_code == 200
    assert client.get(f"/t/{places['secret']}").status_code == 404
    assert client.get(f"/t/{places['members_only']}").status_code == 404
    assert client.get("/b/tf-financial-experts").status_code == 404
    assert "سر الفريق" not in home and "للأعضاء فقط" not in home
    token = csrf_token(client, "/settings")
    reply = client.post(f"/t/{places['public']}/reply", data={"body": "رد", "csrf_token": token})
    assert reply.status_code == 403
    assert client.get("/t/new?board=financial-management").status_code == 403
    assert client.get(f"/p/{places['public_post']}/flag").status_code == 403
    public_page = client.get(f"/t/{places['public']}").get_data(as_text=True)
    assert f"/p/{places['public_post']}/flag" not in public_page


def test_once_confirmed_the_same_member_reads_and_posts(app, client, login, unverified, places):
    login(unverified)
    resent = submit(client, "/auth/verify/resend", {}, form_page="/settings")
    assert resent.status_code == 302
    with app.app_context():
        [mail] = mails("verify_email")
        assert mail.to_address == unverified.email
    client.get(link_in(mail))
    assert client.get(f"/t/{places['secret']}").status_code == 200
    assert client.get(f"/t/{places['members_only']}").status_code == 200
    reply = submit(client, f"/t/{places['public']}/reply", {"body": "رد بعد التأكيد"})
    assert reply.status_code == 302


def test_existing_accounts_count_as_verified(app, member):
    with app.app_context():
        assert db.session.get(User, member.id).is_verified


def test_the_migration_marks_existing_accounts_verified(tmp_path):
    with scratch_database("forum_verify", tmp_path) as url:
        app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "t"})
        with app.app_context():
            directory = app.extensions["migrate"].directory
            try:
                upgrade(directory=directory, revision="c3d9a1e5f207")
                with db.engine.begin() as connection:
                    connection.execute(text(
                        "INSERT INTO users (display_name, email, password_hash, job_title, role,"
                        " moderates_all_boards, language, active, joined_at, session_token,"
                        " approved_post_count) VALUES ('قديم', 'old@example.org', 'x', '',"
                        " 'member', false, 'ar', true, CURRENT_TIMESTAMP, 'abc', 0)"
                    ))  # fmt: skip
                upgrade(directory=directory, revision="00b46d25126b")
                with db.engine.connect() as connection:
                    row = connection.execute(
                        text("SELECT email_verified_at, approval FROM users")
                    ).one()
                assert row[0] is not None and row[1] == "approved"
            finally:
                db.engine.dispose()


# No enumeration -----------------------------------------------------------------------------


def _without(page, *words):
    for word in words:
        page = page.replace(word, "")
    return re.sub(r'name="csrf_token"[^>]*>', "", page)


def test_registering_a_known_address_looks_the_same_and_mails_its_owner(app, member):
    fresh = register(app.test_client(), email="new.person@example.org")
    known = register(app.test_client(), email=member.email.upper())
    assert fresh.status_code == known.status_code == 200
    assert _without(fresh.get_data(as_text=True), "new.person@example.org") == _without(
        known.get_data(as_text=True), member.email.upper()
    )
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User).where(
            func.lower(User.email) == member.email)) == 1  # fmt: skip
        [warning] = mails("account_exists")
        assert warning.to_address == member.email
        assert "/auth/reset" in warning.text_body
        assert [mail.to_address for mail in mails("verify_email")] == ["new.person@example.org"]
    # Trying again the same day mails the owner no more.
    register(app.test_client(), email=member.email)
    with app.app_context():
        assert len(mails("account_exists")) == 1


def test_asking_for_a_reset_looks_the_same_for_a_known_and_an_unknown_address(app, member):
    known = submit(app.test_client(), "/auth/reset", {"email": member.email})
    unknown = submit(app.test_client(), "/auth/reset", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert _without(known.get_data(as_text=True), member.email) == _without(
        unknown.get_data(as_text=True), "nobody@example.org"
    )
    with app.app_context():
        assert [mail.to_address for mail in mails("password_reset")] == [member.email]


# Password reset -----------------------------------------------------------------------------


def _reset_link(app, client, person):
    submit(client, "/auth/reset", {"email": person.email})
    with app.app_context():
        return link_in(mails("password_reset")[-1])


def _choose(client, link, password):
    return submit(client, link, {"new_password": password, "confirm": password})


def test_a_reset_link_sets_a_new_password_once(app, client, member):
    link = _reset_link(app, client, member)
    assert client.get(link).status_code == 200
    assert _choose(client, link, "a brand new password").status_code == 302
    with app.app_context():
        user = db.session.get(User, member.id)
        assert user.check_password("a brand new password")
        assert not user.check_password(PASSWORD)
    used = client.get(link)
    assert used.status_code == 404
    assert "سبق استعماله" in used.get_data(as_text=True)
    again = {"new_password": "yet another password", "confirm": "yet another password",
             "csrf_token": csrf_token(client, "/auth/reset")}  # fmt: skip
    assert client.post(link, data=again).status_code == 404
    with app.app_context():
        assert db.session.get(User, member.id).check_password("a brand new password")


def test_a_reset_link_expires_after_an_hour(app, client, member):
    link = _reset_link(app, client, member)
    with time_machine.travel(utcnow() + timedelta(minutes=61)):
        expired = client.get(link)
    assert expired.status_code == 404
    assert "انتهت صلاحية هذا الرابط." in expired.get_data(as_text=True)


def test_a_reset_ends_every_login(app, client, login, member):
    elsewhere = login(member, on=app.test_client())
    link = _reset_link(app, client, member)
    _choose(client, link, "a brand new password")
    assert elsewhere.get("/settings").status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "استخدم من 10 إلى 200 حرفًا."),
        ("1234567890", "كلمة المرور هذه من أكثر كلمات المرور شيوعًا"),
        ("Password123", "كلمة المرور هذه من أكثر كلمات المرور شيوعًا"),
    ],
)
def test_a_short_or_common_password_is_refused_everywhere(app, client, login, member,
                                                          password, message):  # fmt: skip
    link = _reset_link(app, client, member)
    refused = _choose(client, link, password)
    assert refused.status_code == 422
    assert message in refused.get_data(as_text=True)
    registration = register(app.test_client(), password=password, confirm=password)
    assert registration.status_code == 422
    assert message in registration.get_data(as_text=True)
    login(member)
    change = submit(client, "/settings/password",
                    {"password-current_password": PASSWORD, "password-new_password": password,
                     "password-confirm": password}, form_page="/settings")  # fmt: skip
    assert change.status_code == 422
    assert message in change.get_data(as_text=True)


def test_passwords_are_never_logged(app, client, member, caplog):
    caplog.set_level(logging.DEBUG)
    register(app.test_client(), password="a secret never logged", confirm="a secret never logged")
    submit(client, "/auth/login", {"email": member.email, "password": "wrong secret phrase"})
    link = _reset_link(app, client, member)
    _choose(client, link, "another secret never logged")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert member.email in logged, "positive control: the failed login was logged"
    for secret in ("a secret never logged", "wrong secret phrase", "another secret never logged"):
        assert secret not in logged


# Logins that end ----------------------------------------------------------------------------


def _logged_in(client):
    return client.get("/settings").status_code == 200


def test_a_cookie_copied_before_logout_is_dead_after_it(app, client, login, member):
    login(member)
    stolen = client.get_cookie("session").value
    submit(client, "/auth/logout", {}, form_page="/")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert not _logged_in(thief)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 0


def test_a_remember_cookie_copied_before_logout_is_dead_after_it(app, client, member):
    submit(client, "/auth/login", {"email": member.email, "password": PASSWORD, "remember": "y"})
    remember = client.get_cookie("remember_token")
    assert remember is not None
    copy = app.test_client()
    copy.set_cookie("remember_token", remember.value)
    assert _logged_in(copy), "positive control: the remember cookie alone logs in"
    submit(client, "/auth/logout", {}, form_page="/")
    thief = app.test_client()
    thief.set_cookie("remember_token", remember.value)
    assert not _logged_in(thief)


def test_the_csrf_token_changes_when_logging_in_and_out(client, login, member):
    before = csrf_token(client, "/auth/login")
    login(member)
    during = csrf_token(client, "/settings")
    submit(client, "/auth/logout", {}, form_page="/settings")
    after = csrf_token(client, "/auth/login")
    assert len({before, during, after}) == 3
    # The token from before the login is refused after it.
    stale = client.post("/auth/login", data={"email": member.email, "password": PASSWORD,
                                             "csrf_token": during})  # fmt: skip
    assert stale.status_code == 400


def test_log_out_everywhere_ends_every_login(app, client, login, member):
    phone = login(member, on=app.test_client())
    login(member)
    assert "متصفحين" in client.get("/settings").get_data(as_text=True)
    done = submit(client, "/settings/logout-everywhere", {}, form_page="/settings")
    assert done.headers["Location"] == "/auth/login"
    assert not _logged_in(client)
    assert not _logged_in(phone)


def _end_logins_by(way, app, client, login, person):
    if way == "reset":
        _choose(client, _reset_link(app, client, person), "a brand new password")
        return
    login(person)
    if way == "password":
        url, data = "/settings/password", {"password-current_password": PASSWORD,
                                           "password-new_password": "a brand new password",
                                           "password-confirm": "a brand new password"}  # fmt: skip
    else:
        url, data = "/settings/logout-everywhere", {}
    assert submit(client, url, data, form_page="/settings").status_code == 302


@pytest.mark.parametrize("way", ["password", "reset", "everywhere"])
def test_whatever_ends_every_login_revokes_every_token(app, client, login, member,
                                                      other_member, way):  # fmt: skip
    """Whoever had the account (a stolen session, a guessed password) may have made an API or
    feed token to keep it: a new password or "log out everywhere" revokes them, and only the
    member's own."""
    with app.app_context():
        api_token = make_api_token(member.id)
        others_token = make_api_token(other_member.id)
        feed_token = issue_feed_token(db.session.get(User, member.id))
        db.session.commit()
    reader = app.test_client()

    def api(token):
        return reader.get("/api/v1/boards", headers={"Authorization": f"Bearer {token}"})

    feed = f"/b/financial-management/feed.atom?token={feed_token}"
    assert (api(api_token).status_code, reader.get(feed).status_code) == (200, 200)

    _end_logins_by(way, app, client, login, member)

    assert api(api_token).status_code == 401
    assert reader.get(feed).status_code == 404
    assert api(others_token).status_code == 200


def test_get_logout_does_not_log_out(client, login, member):
    login(member)
    assert client.get("/auth/logout").status_code == 200  # a page with a confirm button
    assert _logged_in(client)


def _cookie_header(response, name):
    [header] = [value for value in response.headers.getlist("Set-Cookie")
                if value.startswith(f"{name}=")]  # fmt: skip
    return header


def test_cookies_are_httponly_samesite_lax_and_remember_me_lasts_30_days(client, member):
    response = submit(client, "/auth/login",
                      {"email": member.email, "password": PASSWORD, "remember": "y"})  # fmt: skip
    for name in ("session", "remember_token"):
        header = _cookie_header(response, name)
        assert "HttpOnly" in header and "SameSite=Lax" in header
        assert "Secure" not in header  # the tests' BASE_URL is http
    expires = re.search(r"Expires=([^;]+)", _cookie_header(response, "remember_token")).group(1)
    from email.utils import parsedate_to_datetime

    lasts = parsedate_to_datetime(expires).replace(tzinfo=None) - utcnow()
    assert timedelta(days=29) < lasts <= timedelta(days=30)


@pytest.mark.app_config(BASE_URL="https://tabadul.example.org",
                        REMEMBER_COOKIE_DURATION=timedelta(days=365))  # fmt: skip
def test_behind_https_cookies_are_secure_and_remember_me_is_capped(app, member):
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=30)
    client = app.test_client()
    response = submit(client, "/auth/login",
                      {"email": member.email, "password": PASSWORD, "remember": "y"})  # fmt: skip
    for name in ("session", "remember_token"):
        assert "Secure" in _cookie_header(response, name)


def test_a_login_expires_on_the_server_after_30_days(app, client, login, member):
    login(member)
    with time_machine.travel(utcnow() + timedelta(days=31)):
        assert not _logged_in(client)


def test_the_worker_forgets_expired_logins(app, login, member):
    login(member)
    with app.app_context():
        job = next(job for job in worker.make_scheduler(app).get_jobs() if job.id == "logins.prune")
        job.func()  # nothing has expired yet
        assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 1
    with time_machine.travel(utcnow() + timedelta(days=31)):
        job.func()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 0


def test_each_login_is_its_own_row_and_only_a_digest_is_kept(app, client, login, member):
    login(member)
    login(member, on=app.test_client())
    cookie_id = None
    with client.session_transaction() as session:
        cookie_id = session["_user_id"]
    key = cookie_id.rsplit(".", 1)[1]
    with app.app_context():
        digests = db.session.scalars(select(LoginSession.key_digest)).all()
        assert len(digests) == 2
        assert key not in digests and all(len(digest) == 64 for digest in digests)


def test_making_users_for_tests_makes_them_verified(app):
    with app.app_context():
        assert make_user().is_verified
