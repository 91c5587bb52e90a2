"""The worker: one long-lived process that runs the forum's periodic jobs (APScheduler).

`flask forum worker` runs it beside the web server, in the embedded profile: the jobs and
their schedule are forum.jobs's table, which Celery runs in the production profile
(forum.celery_app). Every job runs in its own app context. SIGTERM or SIGINT stops the
process cleanly: no new job starts, and a running one finishes first.
"""

import logging
import signal
import threading
from datetime import UTC, datetime
from functools import wraps

from apscheduler.schedulers.background import BackgroundScheduler

from forum import jobs
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


def add_job(app, scheduler, job):
    """Schedule one job of forum.jobs: at its interval (the first run at once: mail queued
    while the worker was down goes out now), or hourly at its minute."""
    trigger = job.trigger(app.config)
    run = in_app_context(app, job.function)
    if trigger is None:
        return
    kind, when = trigger
    if kind == "every":
        scheduler.add_job(run, "interval", seconds=when.total_seconds(), id=job.name,
                          next_run_time=datetime.now(UTC))  # fmt: skip
    else:
        scheduler.add_job(run, "cron", minute=when, id=job.name)


def make_scheduler(app):
    """A scheduler with every job of JOBS, not started."""
    scheduler = BackgroundScheduler(
        timezone=UTC,
        # A job never runs twice at once, and runs once (not once per missed time) when late.
        job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
    )
    for job in jobs.JOBS:
        add_job(app, scheduler, job)
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
