"""`flask forum board …` and `flask forum task-force …`: the same actions as /admin, logged with
no actor, and a clear refusal (exit status 1) for unknown slugs, emails and authorities."""

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import AdminLog, BoardModerator, TaskForce, TaskForceMember, User
from forum.seed import PLATFORMS, TASK_FORCES
from tests.factories import board_by_slug, make_authority


def forum(runner, *args):
    return runner.invoke(args=["forum", *args])


def _task_force_id(slug):
    return db.session.scalar(select(TaskForce.id).where(TaskForce.slug == slug))


def _log_rows(app):
    with app.app_context():
        return [
            (entry.actor_id, entry.action, entry.target_type, entry.target_id, entry.details)
            for entry in db.session.scalars(select(AdminLog).order_by(AdminLog.id))
        ]


@pytest.mark.parametrize(
    "command, options",
    [
        (["task-force", "add-member"], ["--task-force", "--email", "--authority"]),
        (["task-force", "remove-member"], ["--task-force", "--email"]),
        (["task-force", "list"], []),
        (["board", "add-moderator"], ["--board", "--email"]),
        (["board", "remove-moderator"], ["--board", "--email"]),
        (["board", "list"], []),
    ],
)
def test_every_command_documents_itself(runner, command, options):
    result = forum(runner, *command, "--help")
    assert result.exit_code == 0
    usage, description = result.output.split("Options:")[0].strip().split("\n", 1)
    assert usage.startswith("Usage:") and len(description.strip()) > 20, result.output
    for option in options:
        assert option in result.output


def test_board_list_prints_every_slug_name_and_access(runner):
    result = forum(runner, "board", "list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == len(PLATFORMS) + len(TASK_FORCES)
    for slug, name_ar, name_en, *_ in PLATFORMS:
        [line] = [line for line in lines if line.split()[0] == slug]
        assert "public" in line and name_en in line and name_ar in line
    [line] = [line for line in lines if line.split()[0] == "tf-financial-experts"]
    assert "restricted:financial-experts" in line


def test_task_force_list_prints_every_slug_name_and_member_count(app, runner, task_force_member):
    result = forum(runner, "task-force", "list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == sorted(slug for slug, *_ in TASK_FORCES)
    [line] = [line for line in lines if line.startswith("financial-experts ")]
    assert "members: 1 " in line and "authorities: 1 " in line and "tf-financial-experts" in line
    assert "Financial Experts Task Force" in line and "فريق عمل الخبراء الماليين" in line
    [line] = [line for line in lines if line.startswith("sdg-localisation ")]
    assert "members: 0 " in line


def test_add_member_represents_their_own_authority_by_default(app, runner, member):
    result = forum(runner, "task-force", "add-member", "--task-force", "sdg-localisation",
                   "--email", member.email.upper())  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "representing Test Municipality" in result.output
    with app.app_context():
        task_force_id = _task_force_id("sdg-localisation")
        membership = db.session.get(TaskForceMember, (task_force_id, member.id))
        assert membership.authority_id == db.session.get(User, member.id).authority_id
    [(actor, action, target_type, target_id, details)] = _log_rows(app)
    assert (actor, action, target_type, target_id) == (
        None, "task_force.add_member", "task_force", task_force_id,
    )  # fmt: skip
    assert member.email in details


@pytest.mark.parametrize("by", ["id", "arabic name", "english name"])
def test_add_member_for_another_authority(app, runner, member, by):
    with app.app_context():
        jenin = make_authority(name_ar="بلدية جنين", name_en="Jenin Municipality")
        value = {"id": str(jenin.id), "arabic name": jenin.name_ar, "english name": jenin.name_en}
        jenin_id = jenin.id
    result = forum(runner, "task-force", "add-member", "--task-force", "inclusion-gender",
                   "--email", member.email, "--authority", value[by])  # fmt: skip
    assert result.exit_code == 0, result.output
    with app.app_context():
        membership = db.session.get(
            TaskForceMember, (_task_force_id("inclusion-gender"), member.id)
        )
        assert membership.authority_id == jenin_id


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--task-force", "no-such-team", "--email", "{email}"], "No task force"),
        (["--task-force", "financial-experts", "--email", "nobody@example.org"], "No account"),
        (["--task-force", "financial-experts", "--email", "{email}", "--authority", "Atlantis"],
         "No local authority"),
        (["--task-force", "financial-experts", "--email", "{email}", "--authority", "999"],
         "No local authority"),
    ],
)  # fmt: skip
def test_add_member_refuses_unknown_names(app, runner, member, arguments, message):
    arguments = [argument.format(email=member.email) for argument in arguments]
    result = forum(runner, "task-force", "add-member", *arguments)
    assert result.exit_code == 1
    assert message in result.output
    assert _log_rows(app) == []
    with app.app_context():
        assert db.session.scalar(select(TaskForceMember)) is None


def test_adding_a_member_twice_or_removing_a_stranger_fails_cleanly(app, runner, task_force_member,
                                                                  member):  # fmt: skip
    twice = forum(runner, "task-force", "add-member", "--task-force", "financial-experts",
                  "--email", task_force_member.email)  # fmt: skip
    assert twice.exit_code == 1 and "already a member" in twice.output
    stranger = forum(runner, "task-force", "remove-member", "--task-force", "financial-experts",
                     "--email", member.email)  # fmt: skip
    assert stranger.exit_code == 1 and "is not a member" in stranger.output
    assert _log_rows(app) == []


def test_remove_member(app, runner, task_force_member):
    result = forum(runner, "task-force", "remove-member", "--task-force", "financial-experts",
                   "--email", task_force_member.email)  # fmt: skip
    assert result.exit_code == 0, result.output
    with app.app_context():
        task_force_id = _task_force_id("financial-experts")
        assert db.session.get(TaskForceMember, (task_force_id, task_force_member.id)) is None
    [(actor, action, *_)] = _log_rows(app)
    assert (actor, action) == (None, "task_force.remove_member")


def test_add_moderator_makes_a_member_a_moderator_of_that_board_only(app, runner, member):
    result = forum(runner, "board", "add-moderator", "--board", "sdgs", "--email", member.email)
    assert result.exit_code == 0, result.output
    assert "now has the moderator role" in result.output
    with app.app_context():
        from forum import permissions

        user = db.session.get(User, member.id)
        assert user.role == "moderator"
        assert permissions.can_moderate_board(board_by_slug("sdgs"), user)
        assert not permissions.can_moderate_board(board_by_slug("inclusion"), user)
        sdgs_id = board_by_slug("sdgs").id
    rows = _log_rows(app)
    assert [(actor, action) for actor, action, *_ in rows] == [
        (None, "user.set_role"),
        (None, "board.add_moderator"),
    ]
    assert rows[1][2:4] == ("board", sdgs_id)


def test_remove_moderator_keeps_the_role(app, runner, moderator):
    result = forum(runner, "board", "remove-moderator", "--board", "financial-management",
                   "--email", moderator.email)  # fmt: skip
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.get(User, moderator.id).role == "moderator"
        remaining = db.session.scalars(
            select(BoardModerator.board_id).where(BoardModerator.user_id == moderator.id)
        ).all()
        assert remaining == [board_by_slug("tf-financial-experts").id]
    [(actor, action, *_)] = _log_rows(app)
    assert (actor, action) == (None, "board.remove_moderator")


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["add-moderator", "--board", "no-such-board", "--email", "{email}"], "No board"),
        (["add-moderator", "--board", "sdgs", "--email", "nobody@example.org"], "No account"),
        (["remove-moderator", "--board", "sdgs", "--email", "{email}"], "does not moderate"),
        (["add-moderator", "--board", "financial-management", "--email", "{email}"],
         "already moderates"),
    ],
)  # fmt: skip
def test_moderator_commands_refuse_cleanly(app, runner, moderator, arguments, message):
    arguments = [argument.format(email=moderator.email) for argument in arguments]
    result = forum(runner, "board", *arguments)
    assert result.exit_code == 1
    assert message in result.output
    assert _log_rows(app) == []
