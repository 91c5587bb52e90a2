"""The background jobs (forum.jobs): one table, two runners that schedule the same jobs at the
same times, and tasks that run the very functions `flask forum worker` runs.

The real Celery workers and beat run in tests/test_scale_jobs.py; here Celery runs eagerly,
in the test's process, with no broker.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum import celery_app, jobs, mail, worker
from forum.extensions import db
from forum.models import Mail, MailStatus

BROKER = "redis://127.0.0.1:6379/10"  # named, never connected to: eager tasks need no broker


def scheduled_names(app):
    return {job.name for job in jobs.JOBS if job.trigger(app.config) is not None}


def test_both_runners_schedule_every_scheduled_job_and_only_those(app):
    assert {"mail.send", "digests", "attachments.prune"} <= scheduled_names(app)
    assert "search.reindex" not in scheduled_names(app)  # on demand only
    assert {job.id for job in worker.make_scheduler(app).get_jobs()} == scheduled_names(app)
    assert set(celery_app.beat_schedule(app.config)) == scheduled_names(app)
    tasks = make_celery(app).tasks
    assert {name for name in tasks if name.startswith("forum.")} == {
        f"forum.{job.name}" for job in jobs.JOBS
    }


def test_both_runners_read_the_same_intervals(app):
    app.config.update(MAIL_SEND_INTERVAL=7, DIGEST_INTERVAL=None)
    beat = celery_app.beat_schedule(app.config)
    assert beat["mail.send"]["schedule"] == timedelta(seconds=7)
    assert str(beat["digests"]["schedule"].minute) == "{1}"  # hourly, a minute past
    triggers = {job.id: job.trigger for job in worker.make_scheduler(app).get_jobs()}
    assert triggers["mail.send"].interval == timedelta(seconds=7)
    assert str(triggers["digests"]) == "cron[minute='1']"

    app.config["DIGEST_INTERVAL"] = 2  # a test's short schedule
    assert celery_app.beat_schedule(app.config)["digests"]["schedule"] == timedelta(seconds=2)
    [digests] = [job for job in worker.make_scheduler(app).get_jobs() if job.id == "digests"]
    assert digests.trigger.interval == timedelta(seconds=2)


def make_celery(app):
    app.config["REDIS_URL"] = BROKER
    celery = celery_app.make_celery(app)
    celery.conf.update(task_always_eager=True, task_eager_propagates=True)
    return celery


def test_a_celery_task_runs_the_job_in_the_app(app):
    with app.app_context():
        queued = mail.queue_test_mail(mail.Recipient("someone@example.org")).id
        db.session.commit()
    make_celery(app).tasks["forum.mail.send"].apply()
    with app.app_context():
        assert db.session.get(Mail, queued).status == MailStatus.KEPT  # no MAIL_SERVER


def test_celery_needs_a_broker(app):
    app.config.update(REDIS_URL=None, CELERY_BROKER_URL=None)
    with pytest.raises(RuntimeError, match="FORUM_REDIS_URL"):
        celery_app.make_celery(app)


def test_the_jobs_commands_list_and_run_them(app, runner):
    listed = runner.invoke(args=["forum", "jobs", "list"])
    assert listed.exit_code == 0, listed.output
    assert "mail.send        every 10 s" in listed.output
    assert "digests          hourly at minute 1" in listed.output
    assert "search.reindex   on demand" in listed.output
    with app.app_context():
        queued = mail.queue_test_mail(mail.Recipient("someone@example.org")).id
        db.session.commit()
    ran = runner.invoke(args=["forum", "jobs", "run", "mail.send"])
    assert ran.exit_code == 0, ran.output
    with app.app_context():
        assert db.session.scalar(select(Mail.status).where(Mail.id == queued)) == "kept"
    unknown = runner.invoke(args=["forum", "jobs", "run", "nothing"])
    assert unknown.exit_code != 0
