"""The worker: one long-lived process that runs the forum's periodic jobs (APScheduler).

`flask forum worker` runs it beside the web server. Each function in JOBS adds its jobs to
the scheduler, given the app; a capability with periodic work (the digests, at each reader's
hour) writes one such function and adds it to the list. Every job runs in its own app
context. SIGTERM or SIGINT stops the process cleanly: no new job starts, and a running one
finishes first.
"""

import logging
import signal
import threading
from datetime import UTC, datetime
from functools import wraps

from apscheduler.schedulers.background import BackgroundScheduler

from forum import digests, mail
from forum.accounts import sessions
from forum.extensions import db

log = logging.getLogger(__name__)


def in_app_context(app, job):
    """The job, run in a fresh app context whose session is removed afterwards.

    An error is logged and rolled back, never raised: the scheduler runs the job again at
    its next time.
    """

    @wraps(job)
    def run(*args, **kwargs):
        with app.app_context():
            try:
                return job(*args, **kwargs)
            except Exception:
                log.exception("the job %s failed", job.__name__)
                db.session.rollback()
            finally:
                db.session.remove()

    return run


def send_mail():
    """Send all due mail (forum.mail); say what happened when anything did."""
    outcomes = mail.send_all()
    if outcomes:
        log.info("mail: %s", ", ".join(f"{kind} {n}" for kind, n in sorted(outcomes.items())))


def schedule_mail(app, scheduler):
    scheduler.add_job(
        in_app_context(app, send_mail),
        "interval",
        seconds=app.config["MAIL_SEND_INTERVAL"],
        id="mail.send",
        next_run_time=datetime.now(UTC),  # at once: mail queued while the worker was down
    )


def send_digests():
    """Queue the digests of the readers whose local digest hour (and weekday) it is now."""
    for level in digests.DIGEST_LEVELS:
        outcomes = digests.send_digests(level)
        if outcomes:
            log.info("digests %s: %s", level,
                     ", ".join(f"{kind} {n}" for kind, n in sorted(outcomes.items())))  # fmt: skip


def schedule_digests(app, scheduler):
    # Hourly, a minute past: each run digests the readers whose local hour has just begun.
    # A reader whose hour was missed (worker down) gets it next period: their next digest
    # still starts at their last one's high-water mark, so nothing new is lost.
    scheduler.add_job(in_app_context(app, send_digests), "cron", minute=1, id="digests")


# Each adds its jobs to the scheduler, given (app, scheduler).
def prune_logins():
    """Forget the logins that have expired (forum.accounts.sessions)."""
    if pruned := sessions.prune_expired():
        log.info("logins: %s expired", pruned)
    db.session.commit()


def schedule_logins(app, scheduler):
    scheduler.add_job(in_app_context(app, prune_logins), "interval", hours=1, id="logins.prune")


def prune_attachments():
    """Remove uploads never sent with a post, and the files no attachment uses."""
    from forum.attachments import actions as attachments  # built on the threads' actions

    staged = attachments.prune()
    db.session.commit()
    if staged + (files := attachments.sweep_blobs()):
        log.info("attachments: %s staged uploads, %s files pruned", staged, files)


def schedule_attachments(app, scheduler):
    scheduler.add_job(in_app_context(app, prune_attachments), "interval", hours=1,
                      id="attachments.prune")  # fmt: skip


JOBS = [schedule_mail, schedule_digests, schedule_logins, schedule_attachments]


def make_scheduler(app):
    """A scheduler with every job of JOBS, not started."""
    scheduler = BackgroundScheduler(
        timezone=UTC,
        # A job never runs twice at once, and runs once (not once per missed time) when late.
        job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
    )
    for add_jobs in JOBS:
        add_jobs(app, scheduler)
    return scheduler


def run(app):
    """Run the jobs until SIGTERM or SIGINT; call it from the main thread."""
    stop = threading.Event()

    def request_stop(signum, frame):
        log.info("%s: stopping after the running jobs", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    scheduler = make_scheduler(app)
    scheduler.start()
    log.info("worker started: %s", ", ".join(job.id for job in scheduler.get_jobs()))
    try:
        stop.wait()
    finally:
        scheduler.shutdown(wait=True)
    log.info("worker stopped")
