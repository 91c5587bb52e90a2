"""The `flask forum …` commands for the schema, demo content and accounts."""

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Board, Thread, User


def test_create_user_with_authority_by_name(app, runner, authority):
    result = runner.invoke(args=[
        "forum", "create-user", "--email", "Admin@Example.org", "--name", "مدير",
        "--password", "a long password", "--role", "admin", "--authority", "Test Municipality",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "admin@example.org"))
        assert user.role == "admin"
        assert user.authority_id == authority
        assert user.check_password("a long password")


def test_create_user_reads_password_from_stdin(app, runner):
    result = runner.invoke(
        args=["forum", "create-user", "--email", "e@example.org", "--name", "N", "--password", "-"],
        input="from standard input\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.check_password("from standard input")


def test_create_user_refuses_duplicates_and_unknown_authority(runner, member):
    duplicate = runner.invoke(args=["forum", "create-user", "--email", member.email.upper(),
                                    "--name", "N", "--password", "a long password"])  # fmt: skip
    assert duplicate.exit_code != 0
    unknown = runner.invoke(args=["forum", "create-user", "--email", "new@example.org",
                                  "--name", "N", "--password", "a long password",
                                  "--authority", "Atlantis"])  # fmt: skip
    assert unknown.exit_code != 0
    assert "Atlantis" in unknown.output


def test_demo_adds_one_account_per_role_and_published_threads_once(app, runner, tmp_path):
    accounts_file = tmp_path / "accounts.txt"
    result = runner.invoke(args=["forum", "demo", "--accounts-file", str(accounts_file)])
    assert result.exit_code == 0, result.output
    for role in ("admin", "moderator", "member", "task-force"):
        assert role in accounts_file.read_text()
    with app.app_context():
        roles = set(db.session.scalars(select(User.role)))
        threads = db.session.scalar(select(func.count()).select_from(Thread))
        counted = db.session.scalar(select(func.sum(Board.thread_count)))
    assert roles == {"admin", "moderator", "member"}
    assert threads == counted > 0

    again = runner.invoke(args=["forum", "demo", "--accounts-file", str(accounts_file)])
    assert "no demo content was added" in again.output
    assert accounts_file.read_text() in again.output
