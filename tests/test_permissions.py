"""The permission matrix: every role against every route that shows or changes content.

A guard test walks app.url_map, so that a new route cannot ship without a row here.
"""

import re

import pytest

from forum.clock import utcnow
from forum.extensions import db
from forum.models import User
from tests.factories import make_person, make_reply, make_thread

ROLES = (
    "visitor", "member", "task_force_member", "other_task_force_member", "moderator",
    "other_moderator", "admin", "suspended",
)  # fmt: skip
# Who may read the financial experts' restricted board.
INSIDERS = ("task_force_member", "moderator", "admin")
SIGNED_IN = tuple(role for role in ROLES if role not in ("visitor", "suspended"))


def expect(default, **by_role):
    return {role: by_role.get(role, default) for role in ROLES}


def for_roles(roles, status, otherwise):
    return {role: status if role in roles else otherwise for role in ROLES}


@pytest.fixture
def scenario(app, moderator, task_force_member):
    """Public, restricted and pending content by an author who is none of the roles."""
    with app.app_context():
        author = make_person()
        public = make_thread(author.id, title="موضوع عام")
        reply = make_reply(author.id, public, body="رد عام")
        restricted = make_thread(task_force_member.id, "tf-financial-experts",
                                 title="سر الفريق", body="نص سري")  # fmt: skip
        pending = make_thread(author.id, title="موضوع معلق", published=False)
        return {
            "author": author.id,
            "public_thread": public.id,
            "public_post": public.first_post_id,
            "public_reply": reply.id,
            "restricted_thread": restricted.id,
            "restricted_post": restricted.first_post_id,
            "pending_thread": pending.id,
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
]  # fmt: skip

# Routes that show or change no forum content, or are covered elsewhere, with the reason.
NOT_IN_MATRIX = {
    "static": "files from static/, no content",
}


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(as_role, scenario, role):
    """All cases for one role on one scenario; the state-changing ones run last."""
    client = as_role(role)
    ordered = sorted(CASES, key=lambda case: case[1] != "GET")
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
