"""The forum's background jobs, written once and run by either runner.

Each Job names a plain function (it runs inside an app context and commits its own work) and
when it runs. The embedded profile runs them in one process, `flask forum worker`
(forum.worker, APScheduler); the production profile runs them as Celery tasks, fired by one
Celery beat (forum.celery_app). Both runners read this table, so a job is written, scheduled
and tested once. A job must be safe to run twice at once and after a crash half-way: each
claims its work in the database (the outbox's claims, the digests' DigestRun rows).
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from forum import digests, mail
from forum.accounts import sessions
from forum.extensions import db

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """A job and its schedule: every `interval` (a config key giving seconds) or, when that
    setting is empty, hourly at `minute`; neither: run on demand only."""

    name: str
    function: object
    interval: str | None = None
    minute: int | None = None

    def trigger(self, config):
        """When the job runs, as both runners schedule it: ("every", a timedelta),
        ("hourly", the minute), or None: on demand only."""
        seconds = config.get(self.interval) if self.interval else None
        if seconds:
            return "every", timedelta(seconds=float(seconds))
        if self.minute is not None:
            return "hourly", self.minute
        return None


def send_mail():
    """Send all due mail (forum.mail); say what happened when anything did."""
    outcomes = mail.send_all()
    if outcomes:
        log.info("mail: %s", ", ".join(f"{kind} {n}" for kind, n in sorted(outcomes.items())))


def prune_mail():
    """Delete delivered mail older than MAIL_KEEP_DAYS (forum.mail)."""
    if pruned := mail.prune_delivered():
        log.info("mail: %s delivered mails pruned", pruned)
    db.session.commit()


def send_digests():
    """Queue the digests of the readers whose local digest hour (and weekday) it is now."""
    for level in digests.DIGEST_LEVELS:
        outcomes = digests.send_digests(level)
        if outcomes:
            log.info("digests %s: %s", level,
                     ", ".join(f"{kind} {n}" for kind, n in sorted(outcomes.items())))  # fmt: skip


def prune_logins():
    """Forget the logins that have expired (forum.accounts.sessions)."""
    if pruned := sessions.prune_expired():
        log.info("logins: %s expired", pruned)
    db.session.commit()


def prune_attachments():
    """Remove uploads never sent with a post, and the files no attachment uses."""
    from forum.attachments import actions as attachments  # built on the threads' actions

    staged = attachments.prune()
    db.session.commit()
    if staged + (files := attachments.sweep_blobs()):
        log.info("attachments: %s staged uploads, %s files pruned", staged, files)


def reindex_search():
    """Rebuild the search index from every post (after writes made outside the application)."""
    from forum.search import index

    connection = db.session.connection()
    index.rebuild(connection)
    db.session.commit()
    log.info("search: reindexed %s posts", index.count_posts(connection))


JOBS = [
    Job("mail.send", send_mail, interval="MAIL_SEND_INTERVAL"),
    Job("mail.prune", prune_mail, interval="MAIL_PRUNE_INTERVAL"),
    # Hourly, a minute past: each run digests the readers whose local hour has just begun.
    # A reader whose hour was missed (worker down) gets it next period: their next digest
    # still starts at their last one's high-water mark, so nothing new is lost.
    Job("digests", send_digests, interval="DIGEST_INTERVAL", minute=1),
    Job("logins.prune", prune_logins, interval="LOGIN_PRUNE_INTERVAL"),
    Job("search.reindex", reindex_search),  # on demand: `flask forum jobs run search.reindex`
    Job("attachments.prune", prune_attachments, interval="ATTACHMENT_PRUNE_INTERVAL"),
]


def find(name):
    """The job called `name`; KeyError when there is none."""
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(name)
