"""Helpers for the tests of the production profile (tests/test_scale_*.py): real PostgreSQL,
Redis, Celery workers and beat, gunicorn servers, started as processes and always stopped.

They run when the tests run on PostgreSQL (FORUM_TEST_DATABASE_URL) and Redis answers at
FORUM_TEST_SERVICES_REDIS_URL (db 10 by default, flushed before and after each test); else they
are skipped, unless FORUM_REQUIRE_SERVICES=1 (.ci/run) makes a missing service a failure.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("FORUM_TEST_SERVICES_REDIS_URL", "redis://127.0.0.1:6379/10")
PYTHON_BIN = Path(sys.executable).parent


def missing_service():
    """Why the production profile cannot be tested here, or None."""
    if not os.environ.get("FORUM_TEST_DATABASE_URL"):
        return "the production profile is tested on PostgreSQL (FORUM_TEST_DATABASE_URL)"
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.ConnectionError:
        return f"no Redis at {REDIS_URL}"
    return None


def require_services():
    reason = missing_service()
    if reason is None:
        return
    if os.environ.get("FORUM_REQUIRE_SERVICES") == "1":
        pytest.fail(f"FORUM_REQUIRE_SERVICES=1, but {reason}")
    pytest.skip(reason)


@pytest.fixture
def services():
    """PostgreSQL and Redis are there (or the test is skipped); the tests' own Redis database
    is empty before and after. Yields a connection to it."""
    require_services()
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    connection.flushdb()
    yield connection
    connection.flushdb()
    connection.close()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def forum_environment(database_url, **settings):
    """The environment of a forum process: FORUM_* settings over the tests' own."""
    environment = {
        **os.environ,
        "FORUM_DATABASE_URL": database_url,
        "FORUM_REDIS_URL": REDIS_URL,
        "FORUM_SECRET_KEY": "test-secret",
        "FORUM_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    environment.pop("FORUM_TEST_DATABASE_URL", None)
    environment.update({f"FORUM_{name}": str(value) for name, value in settings.items()})
    return environment


class Processes:
    """Processes started for one test, each logging to its own file; all killed at the end."""

    def __init__(self, directory):
        self.directory = directory
        self.started = []

    def start(self, name, arguments, environment):
        log = open(self.directory / f"{name}.log", "w")  # noqa: SIM115 (closed in stop_all)
        process = subprocess.Popen(
            arguments, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: stopping it stops what it started
        )  # fmt: skip
        process.name, process.log = name, log
        self.started.append(process)
        return process

    def output(self, process):
        process.log.flush()
        return (self.directory / f"{process.name}.log").read_text()

    def stop_all(self):
        for process in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in self.started:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
            process.log.close()


@contextmanager
def processes(directory):
    started = Processes(directory)
    try:
        yield started
    finally:
        started.stop_all()


def celery_worker(started, name, environment):
    """A Celery worker of forum.celery_app: one process, one task at a time."""
    arguments = [str(PYTHON_BIN / "celery"), "-A", "forum.celery_app", "worker", "--pool=solo",
                 "--concurrency=1", "--without-gossip", "--without-mingle", "--without-heartbeat",
                 f"--hostname={name}@%h", "--loglevel=INFO"]  # fmt: skip
    return started.start(name, arguments, environment)


def celery_beat(started, environment):
    schedule = started.directory / "beat-schedule"
    arguments = [str(PYTHON_BIN / "celery"), "-A", "forum.celery_app", "beat",
                 f"--schedule={schedule}", "--loglevel=INFO"]  # fmt: skip
    return started.start("beat", arguments, environment)


def wait_for(condition, timeout, what, *, every=0.1, alive=()):
    """Wait until condition() is true; fail after `timeout` seconds, or when a process of
    `alive` has stopped."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        for process in alive:
            if process.poll() is not None:
                pytest.fail(f"{process.name} stopped ({process.returncode}) before {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def start_servers(started, database_url, count=2, **settings):
    """`count` gunicorn servers, 2 workers each; their base URLs once they answer."""
    bases = []
    for number in range(count):
        port = free_port()
        environment = forum_environment(database_url, WORKERS=2, ACCESS_LOG="/dev/null",
                                        LOG_LEVEL="warning", **settings)  # fmt: skip
        server = started.start(
            f"gunicorn-{number}",
            [str(PYTHON_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--bind",
             f"127.0.0.1:{port}", "wsgi:app"],
            environment,
        )  # fmt: skip
        bases.append((f"http://127.0.0.1:{port}", server))
    for base, server in bases:
        wait_for(lambda base=base: _answers(base), 30, f"{server.name} to answer", alive=[server])
    return [base for base, _server in bases]


def _answers(base):
    try:
        return requests.get(base + "/", timeout=10).status_code == 200
    except requests.ConnectionError:
        return False


def log_in(base, person):
    browser = requests.Session()
    form = browser.get(base + "/auth/login", timeout=10)
    fields = {"email": person.email, "password": person.password, "csrf_token": token(form)}
    answer = browser.post(base + "/auth/login", data=fields, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return browser


def token(page):
    return _TOKEN.search(page.text).group(1)
