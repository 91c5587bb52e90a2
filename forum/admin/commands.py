"""`flask forum board …` and `flask forum task-force …` commands.

They call the same actions as the /admin pages, logged with no actor (the command line), and
commit once. Unknown slugs, emails or authorities stop with a message and exit status 1.
"""

from functools import wraps

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from forum.accounts.queries import find_user_by_email
from forum.admin import actions, queries
from forum.boards.queries import get_board_by_slug
from forum.extensions import db

board_cli = AppGroup("board", help="Boards and their moderators.")
task_force_cli = AppGroup("task-force", help="Task forces and their members.")


def _in_english(command):
    """Run the command with English messages, and turn a refused action into a clean exit."""

    @wraps(command)
    def run(*args, **kwargs):
        with force_locale("en"):
            try:
                return command(*args, **kwargs)
            except actions.AdminError as error:
                db.session.rollback()
                raise click.ClickException(str(error)) from error

    return run


def _board(slug):
    board = get_board_by_slug(slug)
    if board is None:
        raise click.ClickException(f"No board with the slug {slug!r} (see `forum board list`).")
    return board


def _task_force(slug):
    task_force = queries.get_task_force_by_slug(slug)
    if task_force is None:
        raise click.ClickException(
            f"No task force with the slug {slug!r} (see `forum task-force list`)."
        )
    return task_force


def _user(email):
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with the email {email!r}.")
    return user


# Boards -------------------------------------------------------------------------------------


@board_cli.command("list")
@_in_english
def list_boards():
    """Print every board: slug, access (with its task force), posting rule and names."""
    for board in queries.all_boards():
        access = board.access
        if board.task_force is not None:
            access += f":{board.task_force.slug}"
        posting = "read-only" if board.posting == "moderators" else "open"
        click.echo(f"{board.slug:<30} {access:<40} {posting:<9} {board.name_en} | {board.name_ar}")


@board_cli.command("add-moderator")
@click.option("--board", "slug", required=True, help="The board's slug.")
@click.option("--email", required=True, help="The account's email address.")
@_in_english
def add_moderator(slug, email):
    """Make an account a moderator of one board.

    A plain member also gets the moderator role (powers on the boards assigned to them only).
    """
    board, user = _board(slug), _user(email)
    promoted = user.role == "member"
    actions.add_board_moderator(None, board, user)
    db.session.commit()
    click.echo(f"{user.email} now moderates {board.slug}.")
    if promoted:
        click.echo(f"{user.email} was a member and now has the moderator role.")


@board_cli.command("remove-moderator")
@click.option("--board", "slug", required=True, help="The board's slug.")
@click.option("--email", required=True, help="The account's email address.")
@_in_english
def remove_moderator(slug, email):
    """Take one board away from a moderator (their role is left as it is)."""
    board, user = _board(slug), _user(email)
    actions.remove_board_moderator(None, board, user)
    db.session.commit()
    click.echo(f"{user.email} no longer moderates {board.slug}.")


# Task forces --------------------------------------------------------------------------------


@task_force_cli.command("list")
@_in_english
def list_task_forces():
    """Print every task force: slug, members, authorities represented, its boards and names."""
    members = queries.member_counts()
    boards_of = queries.board_slugs_by_task_force()
    for task_force in queries.all_task_forces():
        boards = boards_of.get(task_force.id, [])
        count = members.get(task_force.id, 0)
        authorities = queries.authorities_represented(task_force)
        click.echo(
            f"{task_force.slug:<30} members: {count:<4} authorities: {authorities:<4} "
            f"boards: {', '.join(boards) or '-':<30} {task_force.name_en} | {task_force.name_ar}"
        )


@task_force_cli.command("add-member")
@click.option("--task-force", "slug", required=True, help="The task force's slug.")
@click.option("--email", required=True, help="The account's email address.")
@click.option(
    "--authority",
    help="The local authority they represent: its id, or its Arabic or English name "
    "(default: the authority the account works for).",
)
@_in_english
def add_member(slug, email, authority):
    """Add an account to a task force; its restricted boards open to them at once."""
    task_force, user = _task_force(slug), _user(email)
    represented = None
    if authority:
        represented = actions.find_authority(authority)
        if represented is None:
            raise click.ClickException(f"No local authority {authority!r} (give its id or name).")
    membership = actions.add_task_force_member(None, task_force, user, represented)
    db.session.commit()
    for_authority = membership.authority.name_en if membership.authority else "no authority"
    click.echo(f"{user.email} joined {task_force.slug}, representing {for_authority}.")


@task_force_cli.command("remove-member")
@click.option("--task-force", "slug", required=True, help="The task force's slug.")
@click.option("--email", required=True, help="The account's email address.")
@_in_english
def remove_member(slug, email):
    """Remove an account from a task force; its restricted boards close to them at once."""
    task_force, user = _task_force(slug), _user(email)
    actions.remove_task_force_member(None, task_force, user)
    db.session.commit()
    click.echo(f"{user.email} left {task_force.slug}.")
