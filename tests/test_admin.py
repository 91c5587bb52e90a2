"""The /admin area through real forms with CSRF: every change lands and is logged; nobody but an
administrator learns the area exists."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from forum.admin import queries
from forum.clock import utcnow
from forum.extensions import db
from forum.models import (
    AdminLog,
    Board,
    BoardModerator,
    LocalAuthority,
    TaskForce,
    TaskForceMember,
    User,
)
from tests.factories import board_by_slug, csrf_token, make_authority, make_person, submit

BOARD_FORM = {
    "name_ar": "منصة المياه",
    "name_en": "Water Platform",
    "description_ar": "إدارة المياه",
    "description_en": "Water management",
    "position": "20",
    "access": "public",
    "task_force_id": "0",
    "posting": "members",
    "threads_need_approval": "y",
    "trust_threshold": "3",
    "flag_threshold": "3",
}


@pytest.fixture
def english_admin(app):
    """An administrator who reads the English interface, for assertions on interface text."""
    with app.app_context():
        return make_person(role="admin", language="en")


def _log(app, action):
    with app.app_context():
        return [
            (entry.actor_id, entry.target_type, entry.target_id, entry.details)
            for entry in db.session.scalars(
                select(AdminLog).where(AdminLog.action == action).order_by(AdminLog.id)
            )
        ]


def _ids(app):
    with app.app_context():
        return {
            "board": board_by_slug("financial-management").id,
            "task_force": db.session.scalar(
                select(TaskForce.id).where(TaskForce.slug == "financial-experts")
            ),
        }


# Who may enter --------------------------------------------------------------------------------

ADMIN_PAGES = [
    "/admin/", "/admin/log", "/admin/authorities", "/admin/authorities/new", "/admin/boards",
    "/admin/boards/new", "/admin/boards/{board}", "/admin/task-forces", "/admin/task-forces/new",
    "/admin/task-forces/{task_force}", "/admin/users", "/admin/users/{user}",
]  # fmt: skip


@pytest.mark.parametrize("role", ["visitor", "member", "moderator", "task_force_member",
                                  "suspended"])  # fmt: skip
def test_admin_pages_answer_404_to_everyone_but_administrators(app, client, login, request, role):
    ids = _ids(app)
    if role != "visitor":
        person = request.getfixturevalue(role)
        login(person)
    for page in ADMIN_PAGES:
        url = page.format(user=1, **ids)
        assert client.get(url).status_code == 404, url


def test_admin_pages_open_to_an_administrator(app, client, login, admin, member):
    ids = _ids(app)
    login(admin)
    for page in ADMIN_PAGES:
        url = page.format(user=member.id, **ids)
        assert client.get(url).status_code == 200, url


def test_a_member_posting_an_admin_form_with_a_valid_token_gets_404(app, client, login, member):
    login(member)
    token = csrf_token(client, "/settings")
    ids = _ids(app)
    attempts = {
        "/admin/boards/new": {**BOARD_FORM, "slug": "water"},
        f"/admin/users/{member.id}/access": {"role": "admin"},
        f"/admin/task-forces/{ids['task_force']}/members": {"member-email": member.email},
    }
    for url, data in attempts.items():
        assert client.post(url, data={**data, "csrf_token": token}).status_code == 404, url
    with app.app_context():
        assert board_by_slug("water") is None
        assert db.session.get(User, member.id).role == "member"
        assert db.session.scalar(select(func.count(AdminLog.id))) == 0


def test_the_administration_link_shows_for_administrators_only(client, login, admin, member):
    login(member)
    assert "/admin/" not in client.get("/").get_data(as_text=True)
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    login(admin)
    assert 'href="/admin/"' in client.get("/").get_data(as_text=True)


# Local authorities ----------------------------------------------------------------------------


def test_admin_creates_and_edits_a_local_authority(app, client, login, admin):
    login(admin)
    created = submit(client, "/admin/authorities/new", {
        "name_ar": "بلدية بيتا", "name_en": "Beita Municipality", "kind": "municipality",
        "governorate": "nablus",
    })  # fmt: skip
    assert created.status_code == 302
    with app.app_context():
        authority = db.session.scalar(
            select(LocalAuthority).where(LocalAuthority.name_ar == "بلدية بيتا")
        )
        authority_id = authority.id
    assert "بلدية بيتا" in client.get("/admin/authorities").get_data(as_text=True)

    edited = submit(client, f"/admin/authorities/{authority_id}", {
        "name_ar": "بلدية بيتا", "name_en": "Beita", "kind": "village_council",
        "governorate": "salfit",
    })  # fmt: skip
    assert edited.status_code == 302
    with app.app_context():
        authority = db.session.get(LocalAuthority, authority_id)
        assert (authority.name_en, authority.kind, authority.governorate) == (
            "Beita",
            "village_council",
            "salfit",
        )
    assert [row[:3] for row in _log(app, "authority.create")] == [
        (admin.id, "authority", authority_id)
    ]
    [(_, _, _, details)] = _log(app, "authority.update")
    assert (
        "governorate: nablus → salfit" in details
        and "kind: municipality → village_council" in details
    )


def test_authority_form_refuses_missing_names_and_unknown_governorates(app, client, login, admin):
    login(admin)
    response = submit(client, "/admin/authorities/new", {
        "name_ar": "", "name_en": "X", "kind": "municipality", "governorate": "atlantis",
    })  # fmt: skip
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count(LocalAuthority.id))) == 0


# Boards ---------------------------------------------------------------------------------------


def test_board_list_follows_the_position_order(app, client, login, admin):
    with app.app_context():
        board_by_slug("inclusion").position = -1
        db.session.commit()
    login(admin)
    html = client.get("/admin/boards").get_data(as_text=True)
    assert html.index(">inclusion<") < html.index(">public-relations<") < html.index(">sdgs<")


def test_admin_creates_a_board_that_appears_on_the_home_page(app, client, login, admin):
    login(admin)
    response = submit(client, "/admin/boards/new", {**BOARD_FORM, "slug": "water"})
    assert response.status_code == 302
    with app.app_context():
        board = board_by_slug("water")
        assert (board.name_ar, board.position, board.threads_need_approval) == (
            "منصة المياه",
            20,
            True,
        )
        assert board.replies_need_approval is False
        board_id = board.id
    assert [row[:3] for row in _log(app, "board.create")] == [(admin.id, "board", board_id)]
    assert "منصة المياه" in client.get("/").get_data(as_text=True)


def test_a_restricted_board_needs_a_task_force(app, client, login, english_admin):
    login(english_admin)
    data = {**BOARD_FORM, "slug": "water", "access": "restricted"}
    refused = submit(client, "/admin/boards/new", data)
    assert refused.status_code == 422
    assert "needs the task force" in refused.get_data(as_text=True)
    with app.app_context():
        assert board_by_slug("water") is None
        assert db.session.scalar(select(func.count(AdminLog.id))) == 0
    data["task_force_id"] = str(_ids(app)["task_force"])
    assert submit(client, "/admin/boards/new", data).status_code == 302
    with app.app_context():
        assert board_by_slug("water").task_force.slug == "financial-experts"


def test_a_taken_or_malformed_slug_is_refused(app, client, login, admin):
    login(admin)
    for slug in ("sdgs", "Water Board", "water--x"):
        response = submit(client, "/admin/boards/new", {**BOARD_FORM, "slug": slug})
        assert response.status_code == 422, slug
    with app.app_context():
        assert db.session.scalar(select(func.count(Board.id))) == 11


def test_admin_edits_a_board_and_its_access_takes_effect(app, client, login, admin, member):
    board_id = _ids(app)["board"]
    login(member, on=(reader := app.test_client()))
    assert reader.get("/b/financial-management").status_code == 200
    login(admin)
    response = submit(client, f"/admin/boards/{board_id}", {
        **BOARD_FORM, "name_en": "Finance", "position": "0", "access": "restricted",
        "task_force_id": str(_ids(app)["task_force"]), "posting": "moderators",
        "threads_need_approval": "", "replies_need_approval": "y", "trust_threshold": "0",
        "flag_threshold": "5",
    })  # fmt: skip
    assert response.status_code == 302
    with app.app_context():
        board = db.session.get(Board, board_id)
        assert board.slug == "financial-management"  # the address never changes
        assert (board.name_en, board.access, board.posting) == (
            "Finance",
            "restricted",
            "moderators",
        )
        assert (board.trust_threshold, board.flag_threshold) == (0, 5)
        assert (board.threads_need_approval, board.replies_need_approval) == (False, True)
    [(actor, _, target, details)] = _log(app, "board.update")
    assert (actor, target) == (admin.id, board_id)
    assert (
        "access: public → restricted" in details and "task_force: — → financial-experts" in details
    )
    assert reader.get("/b/financial-management").status_code == 404


def test_saving_an_unchanged_board_writes_no_log_row(app, client, login, admin):
    board_id = _ids(app)["board"]
    login(admin)
    page = client.get(f"/admin/boards/{board_id}").get_data(as_text=True)
    assert 'value="financial-management"' not in page  # no slug field when editing
    with app.app_context():
        board = db.session.get(Board, board_id)
        data = {name: getattr(board, name) for name in (
            "name_ar", "name_en", "description_ar", "description_en", "position", "access",
            "posting", "trust_threshold", "flag_threshold")}  # fmt: skip
        data.update(
            task_force_id=0, threads_need_approval="y" if board.threads_need_approval else ""
        )
    assert submit(client, f"/admin/boards/{board_id}", data).status_code == 302
    assert _log(app, "board.update") == []


# Task forces ----------------------------------------------------------------------------------


def test_admin_creates_and_renames_a_task_force(app, client, login, admin):
    login(admin)
    created = submit(client, "/admin/task-forces/new", {
        "slug": "water", "name_ar": "فريق المياه", "name_en": "Water Task Force",
        "purpose_ar": "", "purpose_en": "",
    })  # fmt: skip
    assert created.status_code == 302
    with app.app_context():
        task_force = db.session.scalar(select(TaskForce).where(TaskForce.slug == "water"))
        task_force_id = task_force.id
    assert created.headers["Location"].endswith(f"/admin/task-forces/{task_force_id}")
    edited = submit(client, f"/admin/task-forces/{task_force_id}", {
        "name_ar": "فريق المياه", "name_en": "Water", "purpose_ar": "غاية", "purpose_en": "Aim",
    })  # fmt: skip
    assert edited.status_code == 302
    with app.app_context():
        assert db.session.get(TaskForce, task_force_id).purpose_ar == "غاية"
    assert len(_log(app, "task_force.create")) == len(_log(app, "task_force.update")) == 1


def test_members_are_added_with_the_authority_they_represent(
    app, client, login, english_admin, member, other_member
):
    task_force_id = _ids(app)["task_force"]
    with app.app_context():
        other = make_authority(name_ar="بلدية جنين", name_en="Jenin Municipality").id
    url = f"/admin/task-forces/{task_force_id}"
    login(english_admin)
    first = submit(client, f"{url}/members",
                   {"member-email": member.email.upper(), "member-authority_id": "0"},
                   form_page=url)  # fmt: skip
    second = submit(client, f"{url}/members",
                    {"member-email": other_member.email, "member-authority_id": str(other)},
                    form_page=url)  # fmt: skip
    assert first.status_code == second.status_code == 302
    with app.app_context():
        own = db.session.get(User, member.id).authority_id
        represented = dict(db.session.execute(
            select(TaskForceMember.user_id, TaskForceMember.authority_id)
            .where(TaskForceMember.task_force_id == task_force_id)
        ).all())  # fmt: skip
    assert represented == {member.id: own, other_member.id: other}
    html = client.get(url).get_data(as_text=True)
    assert "Jenin Municipality" in html and "Test Municipality" in html
    assert "2 members" in html and "2 local authorities represented" in html
    assert len(_log(app, "task_force.add_member")) == 2


def test_adding_an_unknown_email_or_a_member_twice_is_refused(
    app, client, login, english_admin, task_force_member
):
    task_force_id = _ids(app)["task_force"]
    url = f"/admin/task-forces/{task_force_id}"
    login(english_admin)
    unknown = submit(
        client,
        f"{url}/members",
        {"member-email": "nobody@example.org", "member-authority_id": "0"},
        form_page=url,
    )
    assert unknown.status_code == 422
    assert "No account has this email address." in unknown.get_data(as_text=True)
    twice = submit(
        client,
        f"{url}/members",
        {"member-email": task_force_member.email, "member-authority_id": "0"},
        form_page=url,
    )
    assert twice.status_code == 422
    assert "already a member" in twice.get_data(as_text=True)
    assert _log(app, "task_force.add_member") == []


def test_removing_a_member_closes_the_task_force_board_to_them(
    app, client, login, admin, task_force_member
):
    task_force_id = _ids(app)["task_force"]
    login(task_force_member, on=(reader := app.test_client()))
    assert reader.get("/b/tf-financial-experts").status_code == 200
    login(admin)
    url = f"/admin/task-forces/{task_force_id}"
    removed = submit(client, f"{url}/members/{task_force_member.id}/remove", {}, form_page=url)
    assert removed.status_code == 302
    with app.app_context():
        assert db.session.get(TaskForceMember, (task_force_id, task_force_member.id)) is None
    assert reader.get("/b/tf-financial-experts").status_code == 404
    [(actor, kind, target, details)] = _log(app, "task_force.remove_member")
    assert (actor, kind, target) == (admin.id, "task_force", task_force_id)
    assert task_force_member.email in details


# Accounts -------------------------------------------------------------------------------------


def test_user_list_searches_by_email_and_name_and_paginates(app, client, login, admin):
    with app.app_context():
        for number in range(30):
            make_person(email=f"staff{number:02d}@nablus.ps", name=f"موظف {number:02d}")
        make_person(email="hala@jenin.ps", name="هلا الخطيب")
    login(admin)
    by_email = client.get("/admin/users?q=JENIN").get_data(as_text=True)
    assert "هلا الخطيب" in by_email and "staff01" not in by_email
    assert "hala@jenin.ps" in client.get("/admin/users?q=الخطيب").get_data(as_text=True)
    first = client.get("/admin/users?q=nablus").get_data(as_text=True)
    second = client.get("/admin/users?q=nablus&page=2").get_data(as_text=True)
    assert "staff00@" in first and "staff29@" not in first
    assert "staff29@" in second and "staff00@" not in second
    assert client.get("/admin/users?q=nablus&page=3").status_code == 404


def test_admin_makes_a_member_moderator_of_chosen_boards(app, client, login, admin, member):
    board_id = _ids(app)["board"]
    sdgs = _board_id(app, "sdgs")
    login(admin)
    url = f"/admin/users/{member.id}"
    response = submit(client, f"{url}/access", {"role": "moderator", "boards": [board_id, sdgs]},
                      form_page=url)  # fmt: skip
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, member.id).role == "moderator"
        assert set(db.session.scalars(
            select(BoardModerator.board_id).where(BoardModerator.user_id == member.id)
        )) == {board_id, sdgs}  # fmt: skip
    assert [row[0] for row in _log(app, "user.set_role")] == [admin.id]
    assert sorted(row[2] for row in _log(app, "board.add_moderator")) == sorted([board_id, sdgs])
    page = client.get(url).get_data(as_text=True)
    checked = re.findall(r'<input checked id="boards-\d+" name="boards" [^>]*value="(\d+)"', page)
    assert sorted(map(int, checked)) == sorted([board_id, sdgs])


def test_choosing_the_member_role_removes_moderator_assignments(
    app, client, login, admin, moderator
):
    login(admin)
    url = f"/admin/users/{moderator.id}"
    response = submit(
        client,
        f"{url}/access",
        {"role": "member", "moderates_all_boards": "y", "boards": [_ids(app)["board"]]},
        form_page=url,
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, moderator.id)
        assert (user.role, user.moderates_all_boards) == ("member", False)
        assert queries.moderated_board_ids(user) == []
    assert len(_log(app, "board.remove_moderator")) == 2


def test_an_administrator_cannot_take_away_their_own_role(app, client, login, english_admin):
    login(english_admin)
    url = f"/admin/users/{english_admin.id}"
    response = submit(client, f"{url}/access", {"role": "member"}, form_page=url)
    assert response.status_code == 422
    assert "your own administrator role" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, english_admin.id).role == "admin"
        assert db.session.scalar(select(func.count(AdminLog.id))) == 0


def test_suspension_ends_a_session_in_progress_and_reactivation_restores_it(
    app, client, login, admin, member
):
    login(member, on=(session := app.test_client()))
    assert session.get("/settings").status_code == 200
    login(admin)
    url = f"/admin/users/{member.id}"
    until = (date.today() + timedelta(days=7)).isoformat()
    data = {"suspend-reason": "نشر إعلانات", "suspend-until": until}
    response = submit(client, f"{url}/suspend", data, form_page=url)
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, member.id)
        assert user.is_suspended and user.suspension_reason == "نشر إعلانات"
        assert user.suspended_until.date().isoformat() == until
    assert session.get("/settings").status_code == 302  # logged out on the next request
    again = submit(session, "/auth/login", {"email": member.email, "password": member.password})
    assert again.status_code == 422 and "نشر إعلانات" in again.get_data(as_text=True)

    assert submit(client, f"{url}/reactivate", {}, form_page=url).status_code == 302
    with app.app_context():
        assert not db.session.get(User, member.id).is_suspended
    login(member, on=(fresh := app.test_client()))
    assert fresh.get("/settings").status_code == 200
    [(actor, kind, target, details)] = _log(app, "user.suspend")
    assert (actor, kind, target) == (admin.id, "user", member.id) and "نشر إعلانات" in details
    assert len(_log(app, "user.reactivate")) == 1


def test_a_suspension_whose_end_date_has_passed_lets_the_member_in(app, client, login, suspended):
    with app.app_context():
        db.session.get(User, suspended.id).suspended_until = utcnow() - timedelta(minutes=1)
        db.session.commit()
    login(suspended)
    assert client.get("/settings").status_code == 200


def test_suspension_needs_a_reason_and_a_future_end_date(app, client, login, english_admin, member):
    login(english_admin)
    url = f"/admin/users/{member.id}"
    no_reason = submit(client, f"{url}/suspend", {"suspend-reason": " "}, form_page=url)
    past = submit(
        client,
        f"{url}/suspend",
        {"suspend-reason": "x", "suspend-until": "2020-01-01"},
        form_page=url,
    )
    assert no_reason.status_code == past.status_code == 422
    assert "must be in the future" in past.get_data(as_text=True)
    with app.app_context():
        assert not db.session.get(User, member.id).is_suspended
    assert _log(app, "user.suspend") == []


def test_admin_log_lists_changes_newest_first(app, client, login, english_admin, member, runner):
    runner.invoke(args=["forum", "board", "add-moderator", "--board", "sdgs", "--email",
                        member.email])  # fmt: skip
    login(english_admin)
    url = f"/admin/users/{member.id}"
    submit(client, f"{url}/suspend", {"suspend-reason": "spam"}, form_page=url)
    html = client.get("/admin/log").get_data(as_text=True)
    assert html.index("Account suspended") < html.index("Board moderator added")
    assert "Command line" in html and english_admin.name in html
    assert f'href="/admin/users/{member.id}"' in html


def _board_id(app, slug):
    with app.app_context():
        return board_by_slug(slug).id
