"""The production profile's job runner: forum.jobs as Celery tasks, with a Redis broker.

    celery -A forum.celery_app worker --concurrency 2      # as many workers, on as many hosts
    celery -A forum.celery_app beat --schedule /var/lib/tabadul/beat   # exactly one

Each job of forum.jobs is the task `forum.<job name>`, run in an app context made once per
worker process; beat fires the scheduled ones from the same table and intervals that
`flask forum worker` uses. The broker is CELERY_BROKER_URL, or the Redis of REDIS_URL.
Results are not kept: a job records its work in the database.
"""

from celery import Celery, signals
from celery.schedules import crontab

from forum import create_app, jobs
from forum.extensions import db


def broker_url(config):
    url = config.get("CELERY_BROKER_URL") or config.get("REDIS_URL")
    if not url:
        raise RuntimeError("Celery needs FORUM_CELERY_BROKER_URL or FORUM_REDIS_URL")
    return url


def make_celery(app):
    """A Celery app running forum.jobs inside `app`'s context, with beat's schedule."""
    celery = Celery(app.import_name, broker=broker_url(app.config), set_as_current=True)
    celery.conf.update(
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        # One task at a time per process: a job may run long (a reindex), and the next run
        # of a periodic job is best taken by whichever process is free.
        worker_prefetch_multiplier=1,
        timezone="UTC",
        beat_schedule=beat_schedule(app.config),
    )
    for job in jobs.JOBS:
        celery.task(name=task_name(job), shared=False)(_in_app_context(app, job.function))

    @signals.worker_process_init.connect(weak=False)
    def forget_parents_connections(**_kwargs):
        # A prefork child must not use connections its parent opened: it opens its own.
        with app.app_context():
            db.engine.dispose(close=False)

    return celery


def task_name(job):
    return f"forum.{job.name}"


def beat_schedule(config):
    """Beat's entries, one per scheduled job: its interval, or hourly at its minute.

    A run that waits longer than its interval (or a minute, for short ones) expires unrun:
    the next one does the same work, and a queue of stale runs after an outage would only
    repeat it.
    """
    schedule = {}
    for job in jobs.JOBS:
        trigger = job.trigger(config)
        if trigger is None:
            continue
        kind, when = trigger
        if kind == "every":
            entry = {"schedule": when, "options": {"expires": max(when.total_seconds(), 60)}}
        else:
            entry = {"schedule": crontab(minute=when), "options": {"expires": 3000}}
        schedule[job.name] = {"task": task_name(job), **entry}
    return schedule


def _in_app_context(app, function):
    def run():
        with app.app_context():
            try:
                return function()
            finally:
                db.session.remove()

    run.__name__ = run.__qualname__ = function.__name__
    run.__doc__ = function.__doc__
    return run


def enqueue(app, name):
    """Queue one run of the job `name` for the Celery workers (`flask forum jobs run --queue`)."""
    return make_celery(app).send_task(task_name(jobs.find(name)))


def __getattr__(name):
    # `celery -A forum.celery_app` asks for `celery`: the app is built then, not on import.
    if name == "celery":
        global celery
        celery = make_celery(create_app())
        return celery
    raise AttributeError(name)
