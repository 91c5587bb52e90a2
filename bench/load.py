"""Load on a served forum: wrk processes that read.

Every wrk process runs bench/report.lua, which counts each response's X-Page-Cache header, so
a page's hit rate is measured rather than sampled. Several wrk processes started together
(start_wrk, then wrk_figures on each) give each kind of reader its own latencies.
"""

import json
import subprocess
import sys
from pathlib import Path

from bench.serve import USER_AGENT

REPORT_LUA = Path(__file__).parent / "report.lua"
# wrk stops itself after its duration; this is only a guard against a hung process.
WRK_GRACE_SECONDS = 30


def start_wrk(url, duration, *, threads, connections, cookie=None, paths_file=None):
    """A wrk process driving url (or, given a file of paths, random paths on its host)."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}", "--latency",
               "-s", str(REPORT_LUA), "-H", f"User-Agent: {USER_AGENT}"]  # fmt: skip
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
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


def _seconds(command):
    duration = next(part[2:] for part in command if part.startswith("-d"))
    units = {"s": 1, "m": 60, "h": 3600}
    if duration[-1] in units:
        return float(duration[:-1]) * units[duration[-1]]
    return float(duration)
