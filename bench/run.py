"""Serve the forum and the ceiling app with gunicorn and drive each page with wrk.

    python -m bench.run small|large [--duration 10s] [--connections 16] [--threads 2]

Reads the manifest bench.generate wrote (bench/results/<size>.json). Prints one table row per
page: requests/s, p50 and p99 latency, the share of the ceiling's requests/s in the same run,
SQL queries per page (on a cache miss and a hit), HTML bytes and the peak RSS of a worker.
Writes the figures as JSON to bench/results/run-<size>.json.
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import requests
from sqlalchemy import event

from forum import create_app
from forum.extensions import db

ROOT = Path(__file__).parent.parent
RESULTS = Path(__file__).parent / "results"
REPORT_LUA = Path(__file__).parent / "report.lua"
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
SECRET = "bench-secret-key"
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# One User-Agent for logging in and for wrk: Flask-Login ties a session to its client.
USER_AGENT = "tabadul-bench"


def pages(manifest):
    """The pages the issue names, as (key, label, path); keys match across sizes."""
    last_page = -(-500 // 20)
    board, deep = manifest["board"], manifest["deep_page"]
    return [
        ("home", "home", "/"),
        ("board", "board p1", f"/b/{board}"),
        ("board_deep", f"board p{deep}", f"/b/{board}?page={deep}"),
        ("thread_20", "thread 20", f"/t/{manifest['thread_20']}"),
        ("thread_500", "thread 500 p1", f"/t/{manifest['thread_500']}"),
        ("thread_500_last", f"thread 500 p{last_page}",
         f"/t/{manifest['thread_500']}?page={last_page}"),
    ]  # fmt: skip


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", help="small or large (the manifest bench.generate wrote)")
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", default="2s")
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="measure rendering: turn the page cache off (PAGE_CACHE_BYTES=0)",
    )
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install -y wrk")
    manifest = json.loads((RESULTS / f"{args.size}.json").read_text())
    settings = f"-t{args.threads} -c{args.connections} -d{args.duration}"
    print(f"{args.size}: {manifest['posts']:,} posts, {manifest['threads']:,} threads; "
          f"wrk {settings}; gunicorn 2 sync workers")  # fmt: skip
    cache_bytes = 0 if args.no_page_cache else None
    counts = count_queries(manifest, cache_bytes)
    env = {**os.environ, "FORUM_DATABASE_URL": manifest["database_url"], "FORUM_SECRET_KEY": SECRET}
    if cache_bytes == 0:
        env["FORUM_PAGE_CACHE_BYTES"] = "0"
    with serve("bench.ceiling:app", env) as (base, master):
        ceiling = drive(base + "/", master, args)
    rows = []
    with serve("wsgi:app", env) as (base, master):
        cookie = log_in(base, manifest["login"])
        for who, header in (("anonymous", None), ("logged in", cookie)):
            for key, label, path in pages(manifest):
                result = drive(base + path, master, args, cookie=header)
                result.update(key=key, page=label, who=who, path=path, **counts[(who, path)])
                result["ratio"] = result["rps"] / ceiling["rps"] if ceiling["rps"] else 0
                rows.append(result)
    report = {"size": args.size, "posts": manifest["posts"], "threads": manifest["threads"],
              "database": manifest["database_url"].split(":")[0], "wrk": settings,
              "page_cache": not args.no_page_cache, "ceiling": ceiling, "pages": rows}  # fmt: skip
    RESULTS.mkdir(exist_ok=True)
    suffix = "-no-page-cache" if args.no_page_cache else ""
    (RESULTS / f"run-{args.size}{suffix}.json").write_text(json.dumps(report, indent=2))
    print_table(report)
    print_size_comparison(suffix)


# Serving ------------------------------------------------------------------------------------


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
    """A session cookie for the bench account, through the real login form."""
    browser = requests.Session()
    browser.headers["User-Agent"] = USER_AGENT
    form = browser.get(base + "/auth/login")
    token = _TOKEN.search(form.text).group(1)
    answer = browser.post(base + "/auth/login", allow_redirects=False,
                          data={**login, "csrf_token": token})  # fmt: skip
    if answer.status_code != 302 or "session" not in browser.cookies:
        sys.exit(f"logging in failed (status {answer.status_code})")
    return f"session={browser.cookies['session']}"


# Driving ------------------------------------------------------------------------------------


def wrk(url, args, duration, cookie=None):
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}",
               "--latency", "-s", str(REPORT_LUA), "-H", f"User-Agent: {USER_AGENT}"]  # fmt: skip
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=False)
    lines = output.stdout.strip().splitlines()
    if output.returncode != 0 or not lines:
        sys.exit(f"wrk failed on {url}: {output.stderr.strip()}")
    return json.loads(lines[-1])


def drive(url, master, args, cookie=None):
    """Warm the page up, then measure it; errors are counted, not hidden."""
    headers = {"User-Agent": USER_AGENT, **({"Cookie": cookie} if cookie else {})}
    for _ in range(2):  # the second one shows whether the page comes from the cache
        answer = requests.get(url, headers=headers, allow_redirects=False, timeout=10)
        if answer.status_code != 200:
            sys.exit(f"{url} answered {answer.status_code}")
    wrk(url, args, args.warmup, cookie)
    figures = wrk(url, args, args.duration, cookie)
    seconds = figures["duration_us"] / 1e6
    errors = sum(figures["errors"].values())
    return {
        "rps": round(figures["requests"] / seconds, 1),
        "p50_ms": figures["latency_us"]["p50"] / 1000,
        "p99_ms": figures["latency_us"]["p99"] / 1000,
        "errors": errors,
        "bytes": len(answer.content),
        "peak_rss_mb": worker_peak_rss_mb(master),
        "page_cache": answer.headers.get("X-Page-Cache", "off"),
    }


# SQL queries per page, counted in-process on the same database -------------------------------


def count_queries(manifest, cache_bytes=None):
    """Statements per page for a visitor and a member: first request, then the same again."""
    config = {"DATABASE_URL": manifest["database_url"], "SECRET_KEY": SECRET}
    if cache_bytes is not None:
        config["PAGE_CACHE_BYTES"] = cache_bytes
    app = create_app(config)
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    counts = {}
    visitor, member = app.test_client(), app.test_client()
    page = member.get("/auth/login").get_data(as_text=True)
    member.post("/auth/login", data={**manifest["login"], "csrf_token": _TOKEN.search(page)[1]})
    for who, client in (("anonymous", visitor), ("logged in", member)):
        for _key, _label, path in pages(manifest):
            statements.clear()
            client.get(path)
            miss = len(statements)
            statements.clear()
            client.get(path)
            counts[(who, path)] = {"queries": miss, "queries_again": len(statements)}
    return counts


# Reporting ----------------------------------------------------------------------------------


def print_table(report):
    ceiling = report["ceiling"]
    if not report["page_cache"]:
        print("\npage cache OFF: every request renders its page")
    print(f"\nceiling (bare Flask, 5 KB template): {ceiling['rps']:,.0f} req/s, "
          f"p50 {ceiling['p50_ms']:.2f} ms, p99 {ceiling['p99_ms']:.2f} ms")  # fmt: skip
    header = (f"{'who':<10} {'page':<16} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'ceiling':>7} "
              f"{'SQL':>7} {'HTML B':>7} {'RSS MB':>6} {'errors':>6} cache")  # fmt: skip
    print(header)
    print("-" * len(header))
    for row in report["pages"]:
        queries = f"{row['queries']}/{row['queries_again']}"
        print(f"{row['who']:<10} {row['page']:<16} {row['rps']:>8,.0f} {row['p50_ms']:>7.2f} "
              f"{row['p99_ms']:>7.2f} {row['ratio']:>7.0%} {queries:>7} {row['bytes']:>7,} "
              f"{row['peak_rss_mb']:>6} {row['errors']:>6} {row['page_cache']}")  # fmt: skip
    print("SQL = statements on the first request / on the same request again (cached).")


def print_size_comparison(suffix=""):
    """When both sizes were run, each page's p50 on large as a multiple of its p50 on small."""
    files = [RESULTS / f"run-small{suffix}.json", RESULTS / f"run-large{suffix}.json"]
    if not all(path.exists() for path in files):
        return
    small, large = (json.loads(path.read_text()) for path in files)
    p50_small = {(row["who"], row["key"]): row["p50_ms"] for row in small["pages"]}
    print("\np50 large / p50 small (target ≤ 1.5):")
    for row in large["pages"]:
        before = p50_small.get((row["who"], row["key"]))
        if before:
            print(f"  {row['who']:<10} {row['page']:<16} {row['p50_ms'] / before:5.2f}")


if __name__ == "__main__":
    main()
