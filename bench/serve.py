"""Serving a forum for the benchmark: gunicorn on a free local port, and logging in."""

import contextlib
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import requests

ROOT = Path(__file__).parent.parent
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
SECRET = "bench-secret-key"
# One User-Agent for logging in, for wrk and for the writer: Flask-Login ties a session to
# its client.
USER_AGENT = "tabadul-bench"
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(html):
    """The CSRF token a form page rendered, or None."""
    found = _TOKEN.search(html)
    return found.group(1) if found else None


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serve(target, env):
    """gunicorn with 2 sync workers on a free local port; stopped (master and workers) on exit."""
    port = free_port()
    command = [GUNICORN, "-w", "2", "-k", "sync", "-b", f"127.0.0.1:{port}",
               "--access-logfile", "/dev/null", "--error-logfile", "-", "--log-level", "warning",
               target]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextlib.contextmanager
def serve_many(target, env, count):
    """`count` gunicorn servers as serve() starts them (one database, one Redis, as several
    app servers behind a proxy); a list of (base URL, master pid)."""
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(serve(target, env)) for _ in range(count)]


def _wait_until_up(base, process):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn stopped with status {process.returncode}")
        try:
            with urllib.request.urlopen(base + "/", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit("gunicorn did not answer within 30 s")


def worker_peak_rss_mb(master):
    """The highest peak resident set (VmHWM) among the master's workers, in MB."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    peaks = []
    for pid in children:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
    return round(max(peaks), 1) if peaks else None


def log_in(base, login):
    """A requests session logged in as this account, through the real login form."""
    browser = requests.Session()
    browser.headers["User-Agent"] = USER_AGENT
    form = browser.get(base + "/auth/login", timeout=10)
    fields = {"email": login["email"], "password": login["password"],
              "csrf_token": csrf_token(form.text)}  # fmt: skip
    answer = browser.post(base + "/auth/login", data=fields, allow_redirects=False, timeout=10)
    if answer.status_code != 302 or "session" not in browser.cookies:
        sys.exit(f"logging in as {login['email']} failed (status {answer.status_code})")
    return browser


def session_cookie(browser):
    """The Cookie header that makes another client (wrk) that logged-in member."""
    return f"session={browser.cookies['session']}"


def credential_header(cookie):
    """The header that makes a client this reader: a session cookie, or an API token given as
    "Bearer <token>" (the JSON API reads no cookie)."""
    if cookie.startswith("Bearer "):
        return f"Authorization: {cookie}"
    return f"Cookie: {cookie}"


def check_answers(base, path, cookie=None):
    """Stop early, with the reason, when a page does not answer 200 to this client."""
    headers = {"User-Agent": USER_AGENT}
    if cookie:
        name, value = credential_header(cookie).split(": ", 1)
        headers[name] = value
    answer = requests.get(base + path, headers=headers, allow_redirects=False, timeout=10)
    if answer.status_code != 200:
        sys.exit(f"{path} answered {answer.status_code}")
    return answer
