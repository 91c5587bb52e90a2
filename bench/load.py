"""Load on a served forum: wrk processes that read, and a member who posts replies.

Every wrk process runs bench/report.lua, which counts each response's X-Page-Cache header, so
a page's hit rate is measured rather than sampled. Several wrk processes started together
(start_wrk, then wrk_figures on each) give each kind of reader its own latencies.
"""

import json
import random
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from bench import texts
from bench.serve import USER_AGENT, credential_header, csrf_token, log_in

REPORT_LUA = Path(__file__).parent / "report.lua"
# wrk stops itself after its duration; this is only a guard against a hung process.
WRK_GRACE_SECONDS = 30


def start_wrk(url, duration, *, threads, connections, cookie=None, paths_file=None):
    """A wrk process driving url (or, given a file of paths, random paths on its host)."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}", "--latency",
               "-s", str(REPORT_LUA), "-H", f"User-Agent: {USER_AGENT}"]  # fmt: skip
    if cookie:
        command += ["-H", credential_header(cookie)]
    command.append(url)
    if paths_file:
        command += ["--", str(paths_file)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wrk_figures(process, url):
    """Wait for a wrk process and read its figures: req/s, p50/p99, errors and cache counts."""
    try:
        stdout, stderr = process.communicate(timeout=_seconds(process.args) + WRK_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        sys.exit(f"wrk did not finish on {url}")
    lines = stdout.strip().splitlines()
    if process.returncode != 0 or not lines:
        sys.exit(f"wrk failed on {url}: {stderr.strip()}")
    raw = json.loads(lines[-1])
    cache = raw["cache"]
    answered = sum(cache.values())
    return {
        "requests": raw["requests"],
        "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": raw["latency_us"]["p50"] / 1000,
        "p99_ms": raw["latency_us"]["p99"] / 1000,
        # Socket errors and timeouts, and answers other than 200 (a redirect to the login
        # page means a member's session was lost).
        "errors": sum(raw["errors"].values()) - raw["errors"]["status"] + raw["not_ok"],
        "cache": cache,
        # None when no response carried the header: the page is not cacheable, or the cache
        # is off.
        "hit_rate": cache["hit"] / answered if cache["hit"] + cache["miss"] else None,
    }


def run_wrk(url, duration, **options):
    return wrk_figures(start_wrk(url, duration, **options), url)


def run_wrk_split(bases, path, duration, *, threads, connections, **options):
    """The same load as run_wrk, shared out between servers: one wrk process per server with
    its part of the threads and connections, all at once; their figures merged (merge)."""
    count = len(bases)
    if count == 1:
        return run_wrk(bases[0] + path, duration, threads=threads, connections=connections,
                       **options)  # fmt: skip
    part = {"threads": max(1, threads // count), "connections": max(1, connections // count)}
    started = [start_wrk(base + path, duration, **part, **options) for base in bases]
    return merge([wrk_figures(process, base + path)
                  for process, base in zip(started, bases, strict=True)])  # fmt: skip


def merge(figures):
    """Several wrk processes' figures as one: requests, req/s, errors and cache counts added;
    p50 the request-weighted mean of theirs, p99 the highest (percentiles do not add up, so
    these two are approximations, said in bench/README.md)."""
    requests_ = sum(f["requests"] for f in figures) or 1
    cache = {name: sum(f["cache"][name] for f in figures) for name in figures[0]["cache"]}
    answered = sum(cache.values())
    return {
        "requests": sum(f["requests"] for f in figures),
        "rps": round(sum(f["rps"] for f in figures), 1),
        "p50_ms": sum(f["p50_ms"] * f["requests"] for f in figures) / requests_,
        "p99_ms": max(f["p99_ms"] for f in figures),
        "errors": sum(f["errors"] for f in figures),
        "cache": cache,
        "hit_rate": cache["hit"] / answered if cache["hit"] + cache["miss"] else None,
    }


def _seconds(command):
    duration = next(part[2:] for part in command if part.startswith("-d"))
    units = {"s": 1, "m": 60, "h": 3600}
    if duration[-1] in units:
        return float(duration[:-1]) * units[duration[-1]]
    return float(duration)


# The writer ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Write:
    started: float  # time.monotonic()
    form_ms: float
    post_ms: float
    ok: bool


class ReplyWriter(threading.Thread):
    """One member posting replies at a steady rate through the real reply form.

    Each reply GETs the form (for its CSRF token), then POSTs it, to a thread picked at random
    from thread_ids. A slow write delays the next rather than bunching the ones after it.
    Stopped by stop(); every request has a timeout, so it ends within seconds.
    """

    def __init__(self, base, account, thread_ids, per_second, seed=9):
        super().__init__(daemon=True)
        self.base, self.thread_ids, self.interval = base, list(thread_ids), 1 / per_second
        self.rng = random.Random(seed)
        self.browser = log_in(base, account)  # before the clock starts
        self.writes = []
        self._stopping = threading.Event()

    def run(self):
        due = time.monotonic()
        while not self._stopping.wait(max(0.0, due - time.monotonic())):
            self.writes.append(self._reply(self.rng.choice(self.thread_ids)))
            due = max(due + self.interval, time.monotonic())

    def stop(self):
        self._stopping.set()
        self.join(timeout=30)

    def _reply(self, thread_id):
        url = f"{self.base}/t/{thread_id}/reply"
        started = time.monotonic()
        form_ms = post_ms = 0.0
        ok = False
        try:
            form = self.browser.get(url, timeout=10)
            form_ms = (time.monotonic() - started) * 1000
            body = f"{self.rng.choice(texts.ARABIC)} ({len(self.writes) + 1})"
            fields = {"csrf_token": csrf_token(form.text) or "", "parent_id": "", "body": body}
            answer = self.browser.post(url, data=fields, allow_redirects=False, timeout=10)
            post_ms = (time.monotonic() - started) * 1000 - form_ms
            ok = form.status_code == 200 and answer.status_code == 302
        except requests.RequestException:
            pass
        return Write(started, form_ms, post_ms, ok)

    def figures(self, start, end):
        """The writes that began between start and end (time.monotonic()), summed up."""
        writes = [write for write in self.writes if start <= write.started < end]
        done = [write for write in writes if write.ok]
        return {
            "writes": len(writes),
            "per_second": round(len(writes) / (end - start), 2),
            "errors": len(writes) - len(done),
            "form": _percentiles([write.form_ms for write in done]),
            "post": _percentiles([write.post_ms for write in done]),
        }


def _percentiles(values):
    if not values:
        return {"p50_ms": None, "p99_ms": None}
    if len(values) == 1:
        return {"p50_ms": values[0], "p99_ms": values[0]}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50_ms": round(cuts[49], 2), "p99_ms": round(cuts[98], 2)}
