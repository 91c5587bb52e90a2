"""Serve the forum with gunicorn and drive it with wrk: one page at a time, or with writes.

    python -m bench.run small|large [--mix pages|longtail|mixed] [--duration 10s]
        [--no-page-cache] [--pages KEY,…] [--writes-per-second 1] [--servers 2]

Reads the manifest bench.generate wrote (bench/results/<size>.json). The pages mix (the
default) prints one table row per page and reader: requests/s, p50 and p99 latency, the share
of the ceiling's requests/s in the same run, SQL queries per page (on a cache miss and a hit),
HTML bytes, the peak RSS of a worker and the page-cache hit rate. The longtail and mixed runs
are in bench.mixes. Each run is kept under its name in bench/results/run-<size>.json.

--servers 2 is the production profile's shape (make bench-production): two gunicorn servers
on one database (PostgreSQL) and one Redis (FORUM_REDIS_URL), the load shared between them;
its runs are kept in run-<size>-production.json.
"""

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

from sqlalchemy import event

from bench import mixes
from bench.load import run_wrk_split
from bench.serve import (
    SECRET,
    check_answers,
    csrf_token,
    log_in,
    serve_many,
    session_cookie,
    worker_peak_rss_mb,
)
from forum import create_app
from forum.accounts.queries import find_user_by_email
from forum.api.tokens import create_token
from forum.extensions import db
from forum.feeds.actions import issue_feed_token

RESULTS = Path(__file__).parent / "results"
MIXES = ("pages", "longtail", "mixed")
# Keys a manifest from before the longtail and mixed runs lacks.
NEEDED = ("public_threads", "locked_threads", "accounts", "generated_at")


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
        # Knowledge pages (forum.authorities, forum.tags); the list sums the counts kept per
        # member and board (forum.threads.actions.refresh_participation).
        ("authorities", "authorities", "/authorities"),
        ("authority", "authority 1", "/authorities/1"),
        ("tags", "tags", "/tags"),
        # The JSON API's reads (forum.api): a member's rows carry a personal access token.
        ("api_boards", "API boards", "/api/v1/boards"),
        ("api_board", "API board threads", f"/api/v1/boards/{board}/threads"),
        ("api_thread_20", "API thread 20", f"/api/v1/threads/{manifest['thread_20']}"),
        ("api_thread_500", "API thread 500 p1", f"/api/v1/threads/{manifest['thread_500']}"),
        # Atom feeds (forum.feeds), never cached by the page cache; a member's carry her feed
        # token (member_request).
        ("feed_board", "feed board", f"/b/{board}/feed.atom"),
        ("feed_thread_500", "feed thread 500", f"/t/{manifest['thread_500']}/feed.atom"),
    ]  # fmt: skip


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", help="small or large (the manifest bench.generate wrote)")
    parser.add_argument(
        "--mix",
        choices=MIXES,
        default="pages",
        help="pages: one page at a time (default); longtail, mixed: reads beside writes",
    )
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", default="2s")
    parser.add_argument("--pages", help="pages mix: only these page keys (comma-separated)")
    parser.add_argument(
        "--writes-per-second",
        type=float,
        default=1.0,
        help="longtail, mixed: replies a second (longtail runs 0 first)",
    )
    parser.add_argument(
        "--servers",
        type=int,
        default=1,
        help="gunicorn servers (2 sync workers each) sharing the load: 2 for the production "
        "profile, with FORUM_REDIS_URL set",
    )
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="measure rendering: turn the page cache off (PAGE_CACHE_BYTES=0)",
    )
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install -y wrk")
    manifest = json.loads((RESULTS / f"{args.size}.json").read_text())
    missing = [key for key in NEEDED if key not in manifest]
    if missing:
        sys.exit(f"the manifest predates this run ({', '.join(missing)} missing): "
                 f"python -m bench.generate {args.size}")  # fmt: skip
    servers = f"{args.servers} gunicorn servers x 2" if args.servers > 1 else "gunicorn 2"
    redis = "; Redis" if os.environ.get("FORUM_REDIS_URL") else ""
    print(f"{args.size}: {manifest['posts']:,} posts, {manifest['threads']:,} threads on "
          f"{manifest['database_url'].split(':')[0]}; {servers} sync workers{redis}"
          f"{'; page cache OFF' if args.no_page_cache else ''}")  # fmt: skip
    env = {**os.environ, "FORUM_DATABASE_URL": manifest["database_url"], "FORUM_SECRET_KEY": SECRET}
    if os.environ.get("FORUM_REDIS_URL"):
        # Shared counts last across runs: the bench writer must not meet the posting limit.
        env["FORUM_RATELIMIT_POST"] = "100000 per hour"
    # The API's budget per caller (RATELIMIT_API) would stop wrk within a second: the runs
    # measure what an answer costs, the limit still counting every request.
    env["FORUM_RATELIMIT_API"] = "100000000 per minute"
    env["FORUM_RATELIMIT_FEED"] = "100000000 per minute"  # per address, and wrk has one
    if args.no_page_cache:
        env["FORUM_PAGE_CACHE_BYTES"] = "0"
    if args.mix == "pages":
        run = pages_run(manifest, args, env)
        print_table(run)
    elif args.mix == "longtail":
        run = mixes.longtail(manifest, args, env)
        mixes.print_longtail(run)
    else:
        run = mixes.mixed(manifest, args, env)
        mixes.print_mixed(run)
    run["page_cache"] = not args.no_page_cache
    name = args.mix + ("-no-page-cache" if args.no_page_cache else "")
    run["servers"] = args.servers
    save(manifest, name, run, profile="production" if args.servers > 1 else None)
    if args.mix == "pages" and args.servers == 1:
        print_size_comparison(name)


def pages_run(manifest, args, env):
    """Each page alone, for a visitor and for a member, beside the ceiling app."""
    chosen = pages(manifest)
    if args.pages:
        keys = args.pages.split(",")
        chosen = [page for page in chosen if page[0] in keys]
        if not chosen:
            known = ", ".join(page[0] for page in pages(manifest))
            sys.exit(f"no page among {args.pages}; the keys are {known}")
    tokens = member_tokens(manifest)
    counts = count_queries(manifest, chosen, tokens, 0 if args.no_page_cache else None)
    with serve_many("bench.ceiling:app", env, args.servers) as servers:
        ceiling = drive(servers, "/", args)
    rows = []
    with serve_many("wsgi:app", env, args.servers) as servers:
        cookie = session_cookie(log_in(servers[0][0], manifest["login"]))
        for who in ("anonymous", "logged in"):
            for key, label, path in chosen:
                url, header = path, None
                if who == "logged in":
                    url, header = member_request(path, tokens, cookie)
                result = drive(servers, url, args, cookie=header)
                result.update(key=key, page=label, who=who, path=path, **counts[(who, path)])
                result["ratio"] = result["rps"] / ceiling["rps"] if ceiling["rps"] else 0
                rows.append(result)
    return {"wrk": f"-t{args.threads} -c{args.connections} -d{args.duration}",
            "ceiling": ceiling, "pages": rows}  # fmt: skip


def save(manifest, name, run, profile=None):
    """Keep this run under its name in run-<size>.json (run-<size>-<profile>.json), beside the
    other runs on the same generated forum (a forum generated afresh starts a new file)."""
    path = RESULTS / f"run-{manifest['size']}{f'-{profile}' if profile else ''}.json"
    report = json.loads(path.read_text()) if path.exists() else {}
    if report.get("generated_at") != manifest["generated_at"]:
        report = {"size": manifest["size"], "posts": manifest["posts"],
                  "threads": manifest["threads"], "generated_at": manifest["generated_at"],
                  "database": manifest["database_url"].split(":")[0], "runs": {}}  # fmt: skip
    report["runs"][name] = run
    RESULTS.mkdir(exist_ok=True)
    path.write_text(json.dumps(report, indent=2))


# Driving ------------------------------------------------------------------------------------


def drive(servers, path, args, cookie=None):
    """Warm the page up, then measure it (the load shared between the servers); errors are
    counted, not hidden."""
    bases = [base for base, _master in servers]
    answer = [check_answers(base, path, cookie) for base in bases][0]
    options = {"threads": args.threads, "connections": args.connections, "cookie": cookie}
    run_wrk_split(bases, path, args.warmup, **options)
    figures = run_wrk_split(bases, path, args.duration, **options)
    peaks = [worker_peak_rss_mb(master) for _base, master in servers]
    figures.update(bytes=len(answer.content), peak_rss_mb=max(filter(None, peaks), default=None))
    return figures


def member_tokens(manifest):
    """The bench member's new read-only personal access token (forum.api.tokens) and her new
    feed token (forum.feeds), as {"api": …, "feed": …}."""
    app = create_app({"DATABASE_URL": manifest["database_url"], "SECRET_KEY": SECRET})
    with app.app_context():
        member = find_user_by_email(manifest["login"]["email"])
        _token, secret = create_token(member, name="bench", scopes=["read"])
        feed = issue_feed_token(member)
        db.session.commit()
    return {"api": secret, "feed": feed}


def member_request(path, tokens, cookie):
    """The address and the Cookie or Authorization header the member reads a path with: the
    API and the feeds read no cookie, the API takes her bearer token and a feed her feed
    token in its address."""
    if path.startswith("/api/"):
        return path, f"Bearer {tokens['api']}"
    if path.endswith("/feed.atom"):
        return f"{path}?token={tokens['feed']}", None
    return path, cookie


# SQL queries per page, counted in-process on the same database -------------------------------


def count_queries(manifest, chosen, tokens, cache_bytes=None):
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
    member.post("/auth/login", data={**manifest["login"], "csrf_token": csrf_token(page)})
    for who, client in (("anonymous", visitor), ("logged in", member)):
        for _key, _label, path in chosen:
            url, headers = path, {}
            if who == "logged in":
                url, authorization = member_request(path, tokens, None)
                headers = {"Authorization": authorization} if authorization else {}
            statements.clear()
            client.get(url, headers=headers)
            miss = len(statements)
            statements.clear()
            client.get(url, headers=headers)
            counts[(who, path)] = {"queries": miss, "queries_again": len(statements)}
    return counts


# Reporting ----------------------------------------------------------------------------------


def print_table(run):
    ceiling = run["ceiling"]
    print(f"\npages, one at a time; wrk {run['wrk']}")
    print(f"ceiling (bare Flask, 5 KB template): {ceiling['rps']:,.0f} req/s, "
          f"p50 {ceiling['p50_ms']:.2f} ms, p99 {ceiling['p99_ms']:.2f} ms")  # fmt: skip
    header = (f"{'who':<10} {'page':<16} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'ceiling':>7} "
              f"{'SQL':>7} {'HTML B':>7} {'RSS MB':>6} {'errors':>6} {'hit':>5}")  # fmt: skip
    print(header)
    print("-" * len(header))
    for row in run["pages"]:
        queries = f"{row['queries']}/{row['queries_again']}"
        hit = "—" if row["hit_rate"] is None else f"{row['hit_rate']:.0%}"
        print(f"{row['who']:<10} {row['page']:<16} {row['rps']:>8,.0f} {row['p50_ms']:>7.2f} "
              f"{row['p99_ms']:>7.2f} {row['ratio']:>7.0%} {queries:>7} {row['bytes']:>7,} "
              f"{row['peak_rss_mb']:>6} {row['errors']:>6} {hit:>5}")  # fmt: skip
    print("SQL = statements on the first request / on the same request again (cached).")
    print("hit = share of responses with X-Page-Cache: hit (— when none carried the header).")


def print_size_comparison(name):
    """When both sizes were run, each page's p50 on large as a multiple of its p50 on small."""
    files = [RESULTS / "run-small.json", RESULTS / "run-large.json"]
    if not all(path.exists() for path in files):
        return
    small, large = (json.loads(path.read_text()).get("runs", {}).get(name) for path in files)
    if not (small and large):
        return
    p50_small = {(row["who"], row["key"]): row["p50_ms"] for row in small["pages"]}
    print("\np50 large / p50 small (target ≤ 1.5):")
    for row in large["pages"]:
        before = p50_small.get((row["who"], row["key"]))
        if before:
            print(f"  {row['who']:<10} {row['page']:<16} {row['p50_ms'] / before:5.2f}")


if __name__ == "__main__":
    main()
