"""`flask --app wsgi forum …`: schema, seed data, demo content, accounts, mail, the worker and
the participation reports."""

import logging
import sys
from datetime import datetime, timedelta
from pathlib import Path

import click
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask.cli import AppGroup
from flask_migrate import upgrade

from forum import backup, changes, demo, digests, jobs, mail, seed, worker
from forum.accounts.actions import AccountError, register_user
from forum.accounts.queries import find_user_by_email
from forum.admin.actions import AdminError, find_authority
from forum.extensions import db
from forum.models import ROLES, Level
from forum.permissions import access_of_the_federation
from forum.reports.output import as_csv, as_json
from forum.reports.queries import GROUPINGS, Filters, report
from forum.threads.actions import recount_participation

forum_cli = AppGroup("forum", help="Tabadul administration commands.")
cache_cli = AppGroup("cache", help="The page caches of every worker.")
mail_cli = AppGroup("mail", help="The mail outbox.")
jobs_cli = AppGroup("jobs", help="The background jobs (forum.jobs).")


def register(app):
    from forum.admin.commands import board_cli, task_force_cli
    from forum.attachments.commands import attachments_cli
    from forum.search.commands import search_cli

    forum_cli.add_command(board_cli)
    forum_cli.add_command(task_force_cli)
    forum_cli.add_command(cache_cli)
    forum_cli.add_command(mail_cli)
    forum_cli.add_command(jobs_cli)
    forum_cli.add_command(search_cli)
    forum_cli.add_command(attachments_cli)
    app.cli.add_command(forum_cli)


@forum_cli.command("init")
def init_command():
    """Bring the schema up to date and load the platforms and task forces."""
    upgrade(directory=current_app.extensions["migrate"].directory)
    seed.load_seed()
    db.session.commit()
    click.echo("Database ready: schema migrated, platforms and task forces loaded.")


@forum_cli.command("demo")
@click.option("--accounts-file", type=click.Path(path_type=Path),
              help="Write the demo accounts to this file (shown again on later runs).")  # fmt: skip
def demo_command(accounts_file):
    """Add demo authorities, accounts (one per role) and threads to an empty forum."""
    seed.load_seed()
    credentials = demo.load_demo()
    db.session.commit()
    if not credentials:
        click.echo("The forum already has accounts; no demo content was added.")
        if accounts_file and accounts_file.exists():
            click.echo(f"The demo accounts made earlier ({accounts_file}):")
            click.echo(accounts_file.read_text(), nl=False)
        return
    lines = [f"{role:<10} {email:<28} {password}" for role, email, password in credentials]
    text = "Demo accounts (role, email, password):\n" + "\n".join(lines) + "\n"
    if accounts_file:
        accounts_file.write_text(text)
        accounts_file.chmod(0o600)
    click.echo(text, nl=False)


@forum_cli.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True, help="Display name.")
@click.option("--password", required=True, help="The password, or - to read it from stdin.")
@click.option("--role", type=click.Choice(ROLES), default="member", show_default=True)
@click.option("--authority", help="Local authority id, or its Arabic or English name.")
@click.option("--language", type=click.Choice(["ar", "en"]), default="ar", show_default=True)
def create_user_command(email, name, password, role, authority, language):
    """Create an account, for example the first administrator."""
    if password == "-":
        password = sys.stdin.readline().rstrip("\n")
    if len(password) < 10:
        raise click.BadParameter("use at least 10 characters", param_hint="--password")
    found = _find_authority(authority) if authority else None
    try:
        user = register_user(email, name, password, authority=found, role=role, language=language)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {role} {user.email} (id {user.id}).")


def _find_authority(value):
    try:
        found = find_authority(value)
    except AdminError as error:
        raise click.BadParameter(str(error), param_hint="--authority") from error
    if found is None:
        raise click.BadParameter(f"no local authority {value!r}", param_hint="--authority")
    return found


@forum_cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path):
    """Write a consistent snapshot of the database to PATH, while the forum runs."""
    try:
        backup.backup(path)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up the database to {path}.")


@forum_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.confirmation_option(prompt="Replace everything in the database by this backup?")
def restore_command(path):
    """Replace the database's content by the backup at PATH (from `flask forum backup`)."""
    try:
        backup.restore(path)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored the database from {path}; every page cache will start afresh.")


@forum_cli.command("recount")
def recount_command():
    """Rebuild the counts kept per member and board (the local authorities' figures), per
    member, board and month, and each thread's first reply time (the reports' figures)."""
    rows = recount_participation()
    db.session.commit()
    click.echo(f"Recounted threads and replies: {rows} rows of members' participation, "
               "with their months and the threads' first replies.")  # fmt: skip


@cache_cli.command("bump")
def cache_bump_command():
    """Empty every worker's page cache, after changing the database outside the application."""
    changes.log_site_change()
    click.echo("Every page cache will render its pages afresh on the next request.")


@mail_cli.command("send")
@click.option("--limit", type=int, help="Mails claimed at a time (MAIL_BATCH_SIZE).")
def mail_send_command(limit):
    """Send every due mail once, e.g. from cron every minute (or run `flask forum worker`)."""
    click.echo(_outcomes(mail.send_all(limit)))


def _outcomes(counts):
    return (f"Sent {counts['sent']}, kept {counts['kept']}, failed {counts['failed']}, "
            f"to retry later {counts['retry']}.")  # fmt: skip


@mail_cli.command("test")
@click.option("--to", "address", required=True, help="The address to write to.")
@click.option(
    "--language",
    type=click.Choice(["ar", "en"]),
    default="ar",
    show_default=True,
    help="For an address with no account (an account gets its own language).",
)
@click.option("--send", is_flag=True, help="Send the outbox now, not leaving it to the worker.")
def mail_test_command(address, language, send):
    """Queue a test mail, to try the whole way from the outbox to a mailbox."""
    try:
        address = validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise click.BadParameter(str(error), param_hint="--to") from error
    recipient = find_user_by_email(address) or mail.Recipient(address, language)
    queued = mail.queue_test_mail(recipient)
    db.session.commit()
    click.echo(f"Queued test mail {queued.id} to {queued.to_address}.")
    if send:
        click.echo(_outcomes(mail.send_all()))


@forum_cli.command("worker")
def worker_command():
    """Run the periodic jobs (mail every MAIL_SEND_INTERVAL seconds, digests hourly)."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not a line per run
    worker.run(current_app._get_current_object())


@jobs_cli.command("list")
def jobs_list_command():
    """Each job and when it runs, in either runner."""
    for job in jobs.JOBS:
        trigger = job.trigger(current_app.config)
        if trigger is None:
            when = "on demand"
        elif trigger[0] == "every":
            when = f"every {trigger[1].total_seconds():g} s"
        else:
            when = f"hourly at minute {trigger[1]}"
        click.echo(f"{job.name:<16} {when}")


@jobs_cli.command("run")
@click.argument("name", type=click.Choice([job.name for job in jobs.JOBS]))
@click.option("--queue", is_flag=True,
              help="Leave it to the Celery workers (the production profile).")  # fmt: skip
def jobs_run_command(name, queue):
    """Run one job now, here (or, with --queue, on a Celery worker)."""
    if queue:
        from forum import celery_app

        celery_app.enqueue(current_app._get_current_object(), name)
        click.echo(f"Queued {name} for the Celery workers.")
        return
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    jobs.find(name).function()
    click.echo(f"Ran {name}.")


@forum_cli.command("digests")
@click.argument("level", type=click.Choice(["daily", "weekly"]))
@click.option("--all", "everyone", is_flag=True,
              help="Every reader, not only those whose digest hour it is now.")  # fmt: skip
def digests_command(level, everyone):
    """Queue the daily or weekly digests that are due (run it every hour; safe to run twice)."""
    outcomes = digests.send_digests(Level(level), everyone=everyone)
    click.echo(
        f"Digests ({level}): {outcomes['queued']} queued, {outcomes['empty']} with nothing new, "
        f"{outcomes['done']} done already."
    )


@forum_cli.group("report")
def report_cli():
    """Participation reports (forum.reports) for scripts."""


@report_cli.command("monthly")
@click.option("--month", required=True, help="The month, as YYYY-MM.")
@click.option("--format", "output_format", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True)  # fmt: skip
@click.option("--by", type=click.Choice(GROUPINGS), default="authority", show_default=True)
def report_monthly_command(month, output_format, by):
    """Write one month's figures to standard output, counted over everything published."""
    try:
        start = datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise click.BadParameter("use YYYY-MM", param_hint="--month") from None
    end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    with current_app.test_request_context(headers={"Accept-Language": "en"}):
        rows = report(access_of_the_federation(), Filters(start=start, end=end), by)
        text = as_csv(rows) if output_format == "csv" else as_json(rows, month=month)
    click.echo(text, nl=output_format == "json")
