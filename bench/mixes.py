"""The runs with writes in them: the long tail of threads, and visitors and members together.

long tail  visitors read page 1 of random public threads, first with no writes (the warm
           cache), then while a member posts N replies a second to random public threads.
mixed      visitors and a member read the key pages, a second member reads /notifications, and
           a third posts one reply a second to the 500-post thread, all at once.

Both report what the forum answers: the share of responses with X-Page-Cache: hit, miss, or
none (not cacheable, or the cache off). They make no assumption about which pages the cache
keeps or which writes empty it.
"""

import tempfile
import time
from pathlib import Path

from bench.load import ReplyWriter, run_wrk_split, start_wrk, wrk_figures
from bench.serve import check_answers, log_in, serve_many, session_cookie

# In the mixed run each reader kind has its own wrk process (one thread, this many
# connections), so that each has its own latencies.
MIXED_CONNECTIONS = 2


def longtail(manifest, args, env):
    """Warm, then (when asked) with writes; the rows and the writes/warm ratio."""
    public = manifest["public_threads"]
    writable = sorted(set(public) - set(manifest["locked_threads"]))
    passes = [0] + ([args.writes_per_second] if args.writes_per_second > 0 else [])
    rows = []
    serving = serve_many("wsgi:app", env, args.servers)
    with tempfile.TemporaryDirectory() as folder, serving as servers:
        bases = [base for base, _master in servers]
        paths = Path(folder) / "paths.txt"
        paths.write_text("".join(f"/t/{thread_id}\n" for thread_id in public))
        for base in bases:
            check_answers(base, f"/t/{public[0]}")
        options = {"threads": args.threads, "connections": args.connections, "paths_file": paths}
        for per_second in passes:
            writer = None
            if per_second:
                # On the first server: with two, the second's readers see the other's writes.
                writer = ReplyWriter(bases[0], manifest["accounts"]["writer"], writable,
                                     per_second)  # fmt: skip
                writer.start()
            try:
                run_wrk_split(bases, "/", args.warmup, **options)
                start = time.monotonic()
                result = run_wrk_split(bases, "/", args.duration, **options)
                end = time.monotonic()
            finally:
                if writer:
                    writer.stop()
            result.update(writes_per_second=per_second,
                          writer=writer.figures(start, end) if writer else None)  # fmt: skip
            rows.append(result)
    return {"threads": len(public), "wrk": _settings(args), "rows": rows}


def mixed(manifest, args, env):
    """Every reader kind in its own wrk process, all at once, beside the writer."""
    board, accounts = manifest["board"], manifest["accounts"]
    pages = [
        ("home", "home", "/"),
        ("board", "board p1", f"/b/{board}"),
        ("thread", "thread 20", f"/t/{manifest['thread_20']}"),
        ("thread_written", "thread 500 p1 (written)", f"/t/{manifest['thread_500']}"),
        ("profile", "profile", f"/u/{manifest['bench_user_id']}"),
    ]
    with serve_many("wsgi:app", env, args.servers) as servers:
        bases = [base for base, _master in servers]
        member = session_cookie(log_in(bases[0], manifest["login"]))
        notified = session_cookie(log_in(bases[0], accounts["notified"]))
        readers = [("visitor", *page, None) for page in pages]
        readers += [("member", *page, member) for page in pages]
        readers.append(("member", "notifications", "notifications", "/notifications", notified))
        # Reader kinds take turns between the servers; the writer posts on the first, so
        # with two servers the visitors of the written thread read it on the other one.
        readers = [(*reader, bases[n % len(bases)]) for n, reader in enumerate(readers)]
        for _who, _key, _label, path, cookie, base in readers:
            check_answers(base, path, cookie)
        writer = None
        if args.writes_per_second > 0:
            writer = ReplyWriter(bases[0], accounts["writer"], [manifest["thread_500"]],
                                 args.writes_per_second)  # fmt: skip
            writer.start()
        try:
            _read_together(readers, args.warmup)
            start = time.monotonic()
            results = _read_together(readers, args.duration)
            end = time.monotonic()
        finally:
            if writer:
                writer.stop()
    rows = []
    for (who, key, label, path, _cookie, _base), result in zip(readers, results, strict=True):
        rows.append({"who": who, "key": key, "page": label, "path": path, **result})
    return {"wrk": f"-t1 -c{MIXED_CONNECTIONS} -d{args.duration} per reader kind, "
                   f"{len(readers)} at once", "writes_per_second": args.writes_per_second,
            "writer": writer.figures(start, end) if writer else None, "rows": rows}  # fmt: skip


def _read_together(readers, duration):
    processes = [
        start_wrk(base + path, duration, threads=1, connections=MIXED_CONNECTIONS, cookie=cookie)
        for _who, _key, _label, path, cookie, base in readers
    ]
    return [
        wrk_figures(process, reader[5] + reader[3])
        for process, reader in zip(processes, readers, strict=True)
    ]


def _settings(args):
    return f"-t{args.threads} -c{args.connections} -d{args.duration}"


# Reporting ----------------------------------------------------------------------------------


def _rate(share):
    return "—" if share is None else f"{share:.0%}"


def _cache_columns(row):
    answered = sum(row["cache"].values()) or 1
    miss, none = row["cache"]["miss"] / answered, row["cache"]["none"] / answered
    return f"{_rate(row['hit_rate']):>6} {miss:>6.0%} {none:>6.0%}"


def print_longtail(run):
    print(f"\nlong tail: visitors read page 1 of random public threads "
          f"({run['threads']:,} threads); wrk {run['wrk']}")  # fmt: skip
    header = (f"{'writes/s':<14} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'hit':>6} {'miss':>6} "
              f"{'none':>6} {'errors':>6} {'writes':>6} {'w err':>5}")  # fmt: skip
    print(header)
    print("-" * len(header))
    for row in run["rows"]:
        label = "0 (warm)" if not row["writes_per_second"] else f"{row['writes_per_second']:g}"
        writer = row["writer"] or {"writes": 0, "errors": 0}
        print(f"{label:<14} {row['rps']:>8,.0f} {row['p50_ms']:>7.2f} {row['p99_ms']:>7.2f} "
              f"{_cache_columns(row)} {row['errors']:>6} {writer['writes']:>6} "
              f"{writer['errors']:>5}")  # fmt: skip
    if len(run["rows"]) == 2:
        warm, written = run["rows"]
        ratio = written["rps"] / warm["rps"] if warm["rps"] else 0
        print(
            f"req/s with {written['writes_per_second']:g} write/s = {ratio:.0%} of warm; "
            f"hit rate {_rate(written['hit_rate'])} against {_rate(warm['hit_rate'])} warm."
        )
    print("hit / miss / none: shares of responses by X-Page-Cache (none: not cacheable or off).")


def print_mixed(run):
    print(f"\nmixed: visitors and members reading, one member posting "
          f"{run['writes_per_second']:g} reply/s to thread 500; wrk {run['wrk']}")  # fmt: skip
    header = (f"{'who':<8} {'page':<24} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'hit':>6} "
              f"{'miss':>6} {'none':>6} {'errors':>6}")  # fmt: skip
    print(header)
    print("-" * len(header))
    for who in ("visitor", "member"):
        rows = [row for row in run["rows"] if row["who"] == who]
        for row in rows:
            print(f"{who:<8} {row['page']:<24} {row['rps']:>8,.0f} {row['p50_ms']:>7.2f} "
                  f"{row['p99_ms']:>7.2f} {_cache_columns(row)} {row['errors']:>6}")  # fmt: skip
        cache = {name: sum(row["cache"][name] for row in rows) for name in ("hit", "miss", "none")}
        summed = {"cache": cache, "hit_rate": None}
        if cache["hit"] + cache["miss"]:
            summed["hit_rate"] = cache["hit"] / sum(cache.values())
        total = sum(row["rps"] for row in rows)
        print(f"{who:<8} {'all of the above':<24} {total:>8,.0f} {'':>7} {'':>7} "
              f"{_cache_columns(summed)}")  # fmt: skip
    writer = run["writer"]
    if writer is None:
        return
    for step in ("form", "post"):
        label = "reply form GET" if step == "form" else "reply POST"
        p50, p99 = writer[step]["p50_ms"], writer[step]["p99_ms"]
        timing = f"{p50:>7.2f} {p99:>7.2f}" if p50 is not None else f"{'—':>7} {'—':>7}"
        print(f"{'writer':<8} {label:<24} {writer['per_second']:>8.2f} {timing} "
              f"{'':>6} {'':>6} {'':>6} {writer['errors']:>6}")  # fmt: skip
    print(f"The writer's figures come from {writer['writes']} replies; their p99 is nearly their "
          f"maximum. hit / miss / none as in the long-tail table.")  # fmt: skip
