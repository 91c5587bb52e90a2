"""The permission matrix of the JSON API: every role against every API route, and every token
state (none, read-only, revoked, expired, owner suspended) against every route.

The API asks the same policy as the web pages, so the answers mirror tests/test_permissions.py:
404 for what the caller must not learn exists, 403 for an action on what they can see; and
401 where the web sends to the login page. A guard test walks app.url_map for /api/v1.
"""

import io
from dataclasses import dataclass

import pytest

from forum.clock import utcnow
from forum.extensions import db
from forum.models import User
from tests import attachment_files
from tests.api_helpers import call, make_token

# The web matrix's scenario fixture, so that both matrices ask about the same content; the
# tests below take it by that name (hence the noqa F811 on them).
from tests.test_permissions import INSIDERS, ROLES, SIGNED_IN, expect, for_roles, scenario  # noqa: F401

OK, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND = "ok", 401, 403, 404
TOKEN_STATES = ("none", "read_only", "revoked", "expired", "owner_suspended")


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    url: str  # formatted with the scenario's ids
    expected: dict  # role → OK or a status
    body: dict | None = None
    ok: int = 200
    files: dict | None = None  # a multipart body: field → (maker of the bytes, name)

    @property
    def writes(self):
        return self.method != "GET"

    def __str__(self):
        return f"{self.method} {self.url}"


def writers(answer_for_others, **by_role):
    """A write: 401 without a token; the suspended member's token opens nothing either."""
    return expect(answer_for_others, visitor=UNAUTHENTICATED, **by_role)


EVERYONE = expect(OK)
SIGNED_IN_ONLY = for_roles(SIGNED_IN, OK, UNAUTHENTICATED)
MODERATORS = writers(FORBIDDEN, moderator=OK, admin=OK)
REPLY = {"body": "رد من برنامج"}

CASES = [
    Case("api.list_boards", "GET", "/api/v1/boards", EVERYONE),
    Case("api.list_threads", "GET", "/api/v1/boards/financial-management/threads", EVERYONE),
    Case("api.list_threads", "GET", "/api/v1/boards/tf-financial-experts/threads",
         for_roles(INSIDERS, OK, NOT_FOUND)),
    Case("api.show_thread", "GET", "/api/v1/threads/{public_thread}", EVERYONE),
    Case("api.show_thread", "GET", "/api/v1/threads/{restricted_thread}",
         for_roles(INSIDERS, OK, NOT_FOUND)),
    Case("api.show_thread", "GET", "/api/v1/threads/{pending_thread}",
         for_roles(("moderator", "admin"), OK, NOT_FOUND)),
    Case("api.show_post", "GET", "/api/v1/posts/{public_reply}", EVERYONE),
    Case("api.show_post", "GET", "/api/v1/posts/{restricted_post}",
         for_roles(INSIDERS, OK, NOT_FOUND)),
    Case("api.show_member", "GET", "/api/v1/members/{author}", EVERYONE),
    Case("api.show_member", "GET", "/api/v1/members/{pending_author}", expect(NOT_FOUND)),
    Case("api.list_authorities", "GET", "/api/v1/authorities", EVERYONE),
    Case("api.list_tags", "GET", "/api/v1/tags", EVERYONE),
    Case("api.search_posts", "GET", "/api/v1/search?q=الفريق", EVERYONE),
    Case("api.list_notifications", "GET", "/api/v1/notifications", SIGNED_IN_ONLY),
    Case("api.openapi_document", "GET", "/api/v1/openapi.json", EVERYONE),
    # Writes: each on data of its own.
    Case("api.start_thread", "POST", "/api/v1/boards/financial-management/threads",
         writers(OK), {"title": "موضوع من برنامج", "body": "نص"}, 201),
    Case("api.start_thread", "POST", "/api/v1/boards/tf-financial-experts/threads",
         writers(NOT_FOUND, task_force_member=OK, moderator=OK, admin=OK),
         {"title": "موضوع من برنامج", "body": "نص"}, 201),
    Case("api.reply", "POST", "/api/v1/threads/{public_thread}/posts", writers(OK), REPLY, 201),
    Case("api.reply", "POST", "/api/v1/threads/{restricted_thread}/posts",
         writers(NOT_FOUND, task_force_member=OK, moderator=OK, admin=OK), REPLY, 201),
    Case("api.edit_post", "PATCH", "/api/v1/posts/{public_post}", MODERATORS, {"body": "معدل"}),
    Case("api.edit_post", "PATCH", "/api/v1/posts/{restricted_post}",
         writers(NOT_FOUND, task_force_member=OK, moderator=OK, admin=OK), {"body": "معدل"}),
    Case("api.flag_post", "POST", "/api/v1/posts/{public_reply}/flags", writers(OK),
         {"reason": "spam"}, 201),
    # The task-force member wrote it: no flagging one's own post.
    Case("api.flag_post", "POST", "/api/v1/posts/{restricted_post}/flags",
         writers(NOT_FOUND, task_force_member=FORBIDDEN, moderator=OK, admin=OK),
         {"reason": "spam"}, 201),
    Case("api.mark_notifications_read", "POST", "/api/v1/notifications/read", writers(OK), {}),
    Case("api.accept_answer", "POST", "/api/v1/posts/{public_reply}/accept", MODERATORS),
    Case("api.clear_answer", "DELETE", "/api/v1/threads/{public_thread}/answer", MODERATORS),
    Case("api.set_challenge_status", "PUT", "/api/v1/threads/{public_challenge}/challenge-status",
         MODERATORS, {"status": "in_progress"}),
    # Members of the roles' local authority adopt; those without an authority may not.
    Case("api.adopt_story", "POST", "/api/v1/threads/{public_story}/adoptions",
         writers(FORBIDDEN, member=OK, task_force_member=OK, other_task_force_member=OK),
         {"note": "طبقناها"}, 201),
    Case("api.withdraw_adoption", "DELETE", "/api/v1/adoptions/{adoption}", MODERATORS),
    # Files: every member may upload; a staged upload is its uploader's alone (the author,
    # none of the roles), so everyone else learns nothing of it.
    Case("api.upload_file", "POST", "/api/v1/uploads", writers(OK), ok=201,
         files={"file": (attachment_files.pdf, "report.pdf")}),
    Case("api.discard_upload", "DELETE", "/api/v1/uploads/{staged_file}", writers(NOT_FOUND)),
]  # fmt: skip
# The suspended member's token opens nothing at all (the web logs them out).
for _case in CASES:
    _case.expected["suspended"] = UNAUTHENTICATED

READING = [case for case in CASES if not case.writes]
WRITING = [case for case in CASES if case.writes]


@pytest.fixture
def token_of(app, request):
    """A read-and-write token of the role's person (none for a visitor); the suspended member
    is suspended after the token was made."""

    def make(role, *, scopes=("read", "write"), state="active"):
        if role == "visitor":
            return None
        person = request.getfixturevalue("member" if role == "suspended" else role)
        with app.app_context():
            secret = make_token(person.id, scopes=scopes, state=state)
            if role == "suspended":
                db.session.get(User, person.id).suspended_at = utcnow()
                db.session.commit()
        return secret

    return make


def _problem(client, case, token, expected, content):
    url = case.url.format_map(content)
    body = None if case.body is None else dict(case.body)
    options = {}
    if case.files:
        sent = {field: (io.BytesIO(make()), name) for field, (make, name) in case.files.items()}
        options = {"data": sent, "content_type": "multipart/form-data"}
    response = call(client, case.method, url, token, json=body, **options)
    wanted = case.ok if expected == OK else expected
    if response.status_code == wanted:
        if expected != OK:
            assert set(response.get_json()["error"]) == {"code", "message", "fields"}
        return None
    answer = response.get_data(as_text=True)[:200]
    return f"{case} ({expected}): answered {response.status_code} {answer}"


@pytest.mark.parametrize("role", ROLES)
def test_reading(client, token_of, scenario, role):  # noqa: F811
    scenario.make_everything()
    token = token_of(role)
    wrong = [
        p for case in READING if (p := _problem(client, case, token, case.expected[role], scenario))
    ]
    assert wrong == []


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", WRITING, ids=str)
def test_writing(client, token_of, scenario, case, role):  # noqa: F811
    problem = _problem(client, case, token_of(role), case.expected[role], scenario)
    assert problem is None, problem


def _for_state(case, state):
    """What the task-force member's token in this state gets for the case."""
    if state == "none":
        return case.expected["visitor"]
    if state == "read_only":
        return FORBIDDEN if case.writes else case.expected["task_force_member"]
    return UNAUTHENTICATED  # revoked, expired, owner suspended


def _token_in_state(token_of, app, task_force_member, state):
    if state == "none":
        return None
    if state == "owner_suspended":
        secret = token_of("task_force_member")
        with app.app_context():
            db.session.get(User, task_force_member.id).suspended_at = utcnow()
            db.session.commit()
        return secret
    if state == "read_only":
        return token_of("task_force_member", scopes=("read",))
    return token_of("task_force_member", state=state)


@pytest.mark.parametrize("state", TOKEN_STATES)
def test_every_route_in_every_token_state(
    app,
    client,
    token_of,
    scenario,  # noqa: F811
    task_force_member,
    state,
):
    """Writes run after the reads, on one scenario: a write refused changes nothing, and every
    write here is refused but those of a visitor's 401."""
    scenario.make_everything()
    token = _token_in_state(token_of, app, task_force_member, state)
    wrong = [
        problem
        for case in CASES
        if (problem := _problem(client, case, token, _for_state(case, state), scenario))
    ]
    assert wrong == []


def test_every_api_route_is_in_the_matrix(app):
    covered = {case.endpoint for case in CASES}
    endpoints = {
        rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")
    }
    assert sorted(endpoints - covered) == [], "API routes missing from the permission matrix"
