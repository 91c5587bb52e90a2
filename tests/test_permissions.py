"""The permission matrix: every role against every route that shows or changes content.

A guard test walks app.url_map, so that a new route cannot ship without a row here.
"""

import re

import pytest
from sqlalchemy import select

from forum.clock import utcnow
from forum.extensions import db
from forum.mail import queue_test_mail
from forum.models import TaskForce, User
from tests.factories import board_by_slug, make_person, make_reply, make_thread

ROLES = (
    "visitor", "member", "task_force_member", "other_task_force_member", "moderator",
    "other_moderator", "admin", "suspended",
)  # fmt: skip
# Who may read the financial experts' restricted board.
INSIDERS = ("task_force_member", "moderator", "admin")
ADMIN_ONLY = {role: 200 if role == "admin" else 404 for role in ROLES}
MOD_AREA = {
    "visitor": 302,
    "suspended": 302,
    "moderator": 200,
    "other_moderator": 200,
    "admin": 200,
}
SIGNED_IN = tuple(role for role in ROLES if role not in ("visitor", "suspended"))


def expect(default, **by_role):
    return {role: by_role.get(role, default) for role in ROLES}


def for_roles(roles, status, otherwise):
    return {role: status if role in roles else otherwise for role in ROLES}


@pytest.fixture
def scenario(app, moderator, task_force_member, authority):
    """Public, restricted and pending content by an author who is none of the roles."""
    with app.app_context():
        task_force = db.session.scalar(
            select(TaskForce).where(TaskForce.slug == "financial-experts")
        )
        author = make_person()
        public = make_thread(author.id, title="موضوع عام")
        reply = make_reply(author.id, public, body="رد عام")
        restricted = make_thread(task_force_member.id, "tf-financial-experts",
                                 title="سر الفريق", body="نص سري")  # fmt: skip
        pending = make_thread(author.id, title="موضوع معلق", published=False)
        mail = queue_test_mail(db.session.get(User, author.id))
        db.session.commit()
        return {
            "author": author.id,
            "public_thread": public.id,
            "public_post": public.first_post_id,
            "public_reply": reply.id,
            "restricted_thread": restricted.id,
            "restricted_post": restricted.first_post_id,
            "pending_thread": pending.id,
            "authority": authority,
            "board": board_by_slug("financial-management").id,
            "task_force": task_force.id,
            "task_force_member": task_force_member.id,
            "mail": mail.id,
        }


@pytest.fixture
def as_role(app, login, request):
    """A client logged in as the role (the suspended member was suspended after logging in)."""

    def client_for(role):
        client = app.test_client()
        if role == "visitor":
            return client
        person = request.getfixturevalue("member" if role == "suspended" else role)
        login(person, on=client)
        if role == "suspended":
            with app.app_context():
                db.session.get(User, person.id).suspended_at = utcnow()
                db.session.commit()
        return client

    return client_for


_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _token(client):
    for page in ("/settings", "/auth/login"):
        response = client.get(page)
        if response.status_code == 200:
            return _TOKEN.search(response.get_data(as_text=True)).group(1)
    raise AssertionError("no page with a CSRF token")


# endpoint, method, url, form data, expected status per role
CASES = [
    ("boards.home", "GET", "/", None, expect(200)),
    ("boards.show_board", "GET", "/b/financial-management", None, expect(200)),
    ("boards.show_board", "GET", "/b/tf-financial-experts", None, for_roles(INSIDERS, 200, 404)),
    ("threads.show_thread", "GET", "/t/{public_thread}", None, expect(200)),
    ("threads.show_thread", "GET", "/t/{restricted_thread}", None,
     for_roles(INSIDERS, 200, 404)),
    ("threads.show_thread", "GET", "/t/{pending_thread}", None,
     for_roles(("moderator", "admin"), 200, 404)),
    ("threads.show_thread_with_slug", "GET", "/t/{restricted_thread}/slug", None, expect(301)),
    ("threads.show_post", "GET", "/p/{public_reply}", None, expect(302)),
    ("threads.show_post", "GET", "/p/{restricted_post}", None, for_roles(INSIDERS, 302, 404)),
    ("threads.new_thread", "GET", "/t/new?board=financial-management", None,
     for_roles(SIGNED_IN, 200, 302)),
    ("threads.new_thread", "GET", "/t/new?board=tf-financial-experts", None,
     expect(404, visitor=302, suspended=302, task_force_member=200, moderator=200, admin=200)),
    ("threads.reply", "POST", "/t/{public_thread}/reply", {"body": "رد"},
     for_roles(SIGNED_IN, 302, 302)),
    ("threads.reply", "POST", "/t/{restricted_thread}/reply", {"body": "رد"},
     expect(404, visitor=302, suspended=302, task_force_member=302, moderator=302, admin=302)),
    ("threads.reply", "GET", "/t/{pending_thread}/reply", None,
     expect(404, visitor=302, suspended=302, moderator=403, admin=403)),
    ("threads.edit_post", "GET", "/p/{public_reply}/edit", None,
     expect(403, visitor=302, suspended=302, moderator=200, admin=200)),
    ("threads.edit_post", "GET", "/p/{restricted_post}/edit", None,
     expect(404, visitor=302, suspended=302, task_force_member=200, moderator=200, admin=200)),
    ("threads.delete_post", "POST", "/p/{public_reply}/delete", {},
     expect(403, visitor=302, suspended=302, moderator=302, admin=302)),
    ("threads.delete_post", "GET", "/p/{restricted_post}/delete", None,
     expect(404, visitor=302, suspended=302, task_force_member=200, moderator=200, admin=200)),
    ("accounts.profile", "GET", "/u/{author}", None, expect(200)),
    ("accounts.settings", "GET", "/settings", None, for_roles(SIGNED_IN, 200, 302)),
    ("accounts.change_password", "POST", "/settings/password", {},
     for_roles(SIGNED_IN, 422, 302)),
    ("accounts.login", "GET", "/auth/login", None, for_roles(SIGNED_IN, 302, 200)),
    ("accounts.register", "GET", "/auth/register", None, for_roles(SIGNED_IN, 302, 200)),
    ("accounts.logout", "POST", "/auth/logout", {}, expect(302)),
    ("site.healthz", "GET", "/healthz", None, expect(200)),
    ("site.switch_language", "POST", "/language", {"language": "en"}, expect(302)),
    # Moderation: members are refused the area (403: it is no secret that moderation exists);
    # a moderator of another board gets 404 for content they cannot read.
    ("moderation.show_queue", "GET", "/mod/queue", None, expect(403, **MOD_AREA)),
    ("moderation.show_flags", "GET", "/mod/flags", None, expect(403, **MOD_AREA)),
    ("moderation.show_log", "GET", "/mod/log", None, expect(403, **MOD_AREA)),
    ("moderation.show_queue", "POST", "/mod/queue", {},
     expect(403, visitor=302, suspended=302, moderator=400, other_moderator=400, admin=400)),
    ("moderation.reject_item", "GET", "/mod/queue/thread/{pending_thread}/reject", None,
     expect(403, visitor=302, suspended=302, moderator=200, other_moderator=404, admin=200)),
    ("moderation.edit_item", "GET", "/mod/queue/thread/{pending_thread}/edit", None,
     expect(403, visitor=302, suspended=302, moderator=200, other_moderator=404, admin=200)),
    ("moderation.resolve_flags", "POST", "/mod/flags/{public_reply}", {"keep": "1"},
     expect(403, visitor=302, suspended=302, moderator=302, admin=302)),
    ("moderation.edit_flagged", "GET", "/mod/flags/{public_reply}/edit", None,
     expect(403, visitor=302, suspended=302, moderator=200, admin=200)),
    ("moderation.act_on_thread", "POST", "/mod/t/{public_thread}/lock", {},
     expect(403, visitor=302, suspended=302, moderator=302, admin=302)),
    ("moderation.act_on_thread", "POST", "/mod/t/{restricted_thread}/pin", {},
     expect(403, visitor=302, suspended=302, moderator=302, other_moderator=404, admin=302)),
    ("moderation.act_on_post", "POST", "/mod/p/{public_reply}/unhide", {},
     expect(403, visitor=302, suspended=302, moderator=302, admin=302)),
    ("moderation.move_thread", "GET", "/mod/t/{public_thread}/move", None,
     expect(403, visitor=302, suspended=302, moderator=200, admin=200)),
    ("posts.show_history", "GET", "/p/{public_reply}/history", None,
     expect(403, moderator=200, admin=200)),
    ("posts.show_history", "GET", "/p/{restricted_post}/history", None,
     for_roles(INSIDERS, 200, 404)),
    ("posts.flag_post", "GET", "/p/{public_reply}/flag", None, for_roles(SIGNED_IN, 200, 302)),
    ("posts.flag_post", "GET", "/p/{restricted_post}/flag", None,
     expect(404, visitor=302, suspended=302, task_force_member=403, moderator=200, admin=200)),
    ("notifications.list_notifications", "GET", "/notifications", None,
     for_roles(SIGNED_IN, 200, 302)),
    ("notifications.mark_all_read", "POST", "/notifications/read", {}, expect(302)),
    ("notifications.open_notification", "POST", "/notifications/999999/open", {},
     expect(404, visitor=302, suspended=302)),
    ("site.choose_language", "GET", "/language/en", None, expect(302)),
    # Following (forum.following): members follow and watch what they may read; unsubscribe
    # links work without logging in, and a bad token is 404 for everyone.
    ("following.follow_board", "POST", "/b/financial-management/follow", {"level": "daily"},
     expect(302)),
    ("following.follow_board", "POST", "/b/tf-financial-experts/follow", {"level": "daily"},
     expect(404, visitor=302, suspended=302, task_force_member=302, moderator=302, admin=302)),
    ("following.watch_thread", "POST", "/t/{public_thread}/watch", {}, expect(302)),
    ("following.watch_thread", "POST", "/t/{restricted_thread}/watch", {},
     expect(404, visitor=302, suspended=302, task_force_member=302, moderator=302, admin=302)),
    ("following.unwatch_thread", "POST", "/t/{public_thread}/unwatch", {}, expect(302)),
    ("following.show_subscriptions", "GET", "/settings/subscriptions", None,
     for_roles(SIGNED_IN, 200, 302)),
    ("following.save_preferences", "POST", "/settings/subscriptions/preferences",
     {"new_board_level": "", "digest_weekday": "6", "digest_hour": "8",
      "digest_timezone": "UTC"}, expect(302)),
    ("following.save_board_levels", "POST", "/settings/subscriptions/boards", {}, expect(302)),
    ("following.unsubscribe_page", "GET", "/unsubscribe/not-a-token", None, expect(404)),
    ("following.unsubscribe_at_once", "POST", "/unsubscribe/not-a-token", {}, expect(404)),
    ("following.unsubscribe_choose", "POST", "/unsubscribe/not-a-token/choose", {},
     expect(404)),
    # Administration: the area does not exist for anyone but administrators.
    ("admin.dashboard", "GET", "/admin/", None, ADMIN_ONLY),
    ("admin.show_log", "GET", "/admin/log", None, ADMIN_ONLY),
    ("admin.list_authorities", "GET", "/admin/authorities", None, ADMIN_ONLY),
    ("admin.new_authority", "GET", "/admin/authorities/new", None, ADMIN_ONLY),
    ("admin.edit_authority", "GET", "/admin/authorities/{authority}", None, ADMIN_ONLY),
    ("admin.list_boards", "GET", "/admin/boards", None, ADMIN_ONLY),
    ("admin.new_board", "GET", "/admin/boards/new", None, ADMIN_ONLY),
    ("admin.edit_board", "GET", "/admin/boards/{board}", None, ADMIN_ONLY),
    ("admin.list_task_forces", "GET", "/admin/task-forces", None, ADMIN_ONLY),
    ("admin.new_task_force", "GET", "/admin/task-forces/new", None, ADMIN_ONLY),
    ("admin.show_task_force", "GET", "/admin/task-forces/{task_force}", None, ADMIN_ONLY),
    ("admin.list_users", "GET", "/admin/users", None, ADMIN_ONLY),
    ("admin.show_user", "GET", "/admin/users/{author}", None, ADMIN_ONLY),
    ("admin.add_task_force_member", "POST", "/admin/task-forces/{task_force}/members",
     {"email": "nobody@example.org"}, expect(404, admin=422)),
    ("admin.remove_task_force_member", "POST",
     "/admin/task-forces/{task_force}/members/{task_force_member}/remove", {},
     expect(404, admin=302)),
    ("admin.update_user_access", "POST", "/admin/users/{author}/access", {"role": "moderator"},
     expect(404, admin=302)),
    ("admin.suspend_user", "POST", "/admin/users/{author}/suspend", {"suspend-reason": "spam"},
     expect(404, admin=302)),
    ("admin.reactivate_user", "POST", "/admin/users/{author}/reactivate", {},
     expect(404, admin=302)),
    # The mail outbox (forum.mail): part of /admin, so 404 for everyone but administrators.
    ("admin.list_mail", "GET", "/admin/mail", None, ADMIN_ONLY),
    ("admin.list_mail", "GET", "/admin/mail?status=failed", None, ADMIN_ONLY),
    ("admin.show_mail", "GET", "/admin/mail/{mail}", None, ADMIN_ONLY),
    ("admin.retry_mail", "POST", "/admin/mail/{mail}/retry", {}, expect(404, admin=302)),
]  # fmt: skip

# Routes that show or change no forum content, or are covered elsewhere, with the reason.
NOT_IN_MATRIX = {
    "static": "files from static/, no content",
}


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(as_role, scenario, role):
    """All cases for one role on one scenario; the state-changing ones run last, logout last."""
    client = as_role(role)
    ordered = sorted(CASES, key=lambda case: (case[1] != "GET", case[0] == "accounts.logout"))
    wrong = []
    for _endpoint, method, url, data, expected in ordered:
        target = url.format(**scenario)
        if method == "GET":
            response = client.get(target)
        else:
            response = client.post(target, data={**data, "csrf_token": _token(client)})
        if response.status_code != expected[role]:
            wrong.append(f"{method} {target}: {response.status_code}, expected {expected[role]}")
    assert wrong == []


def test_every_route_is_in_the_matrix(app):
    covered = {case[0] for case in CASES} | set(NOT_IN_MATRIX)
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(endpoints - covered) == [], "routes missing from the permission matrix"
