"""Search latency on a generated forum: p50 and p95 per set of queries, SQLite and PostgreSQL.

    python -m bench.search [small|large] [--database URL] [--generate] [--repeat 5]

The forum is bench.generate's (its posts are written outside the session, so the index is
rebuilt here first, and timed, unless it already holds every post). Each query runs as the
search page runs it, for a visitor and for a member of a task force: the search statement
(forum.search.find) and page 1 of its hits with their snippets (forum.search.hits). A
query runs once unmeasured, then `--repeat` times; the table gives the latency of each run.
"""

import argparse
import os
import statistics
import time
from pathlib import Path

from sqlalchemy import func, select, text

from bench import generate
from forum import create_app, search
from forum.extensions import db
from forum.models import User
from forum.search import index, schema

ONE_WORD = ["البلدية", "بلدية", "النفايات", "الموازنة", "المواطنين", "الشكاوى", "التخطيط",
            "municipality", "waste", "budget", "complaints", "planning"]  # fmt: skip
TWO_WORDS = ["تحصيل الرسوم", "الموازنة التشاركية", "النفايات الصلبة", "ترخيص الأبنية",
             "المجلس القروي", "التقارير المالية", "building permits", "solid waste",
             "participatory budget", "village council"]  # fmt: skip
PREFIX = ["بلد", "تخط", "موازن", "شكا", "مستدام", "ترخ", "munic", "plan", "compl", "sustain"]
# A word in few posts: a thread's number, which is part of its title.
RARE = ["(1234)", "(56789)", "(99001)", "(4242)", "(31337)", "(70707)"]
SETS = {"one word": ONE_WORD, "two words": TWO_WORDS, "prefix": PREFIX, "rare": RARE}
PER_PAGE = 20


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", nargs="?", default="large", choices=sorted(generate.SIZES))
    parser.add_argument(
        "--database", help="default: FORUM_DATABASE_URL, else bench.generate's file"
    )
    parser.add_argument("--generate", action="store_true", help="generate the forum first")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reindex", action="store_true", help="rebuild the index even if full")
    args = parser.parse_args(argv)
    url = args.database or os.environ.get("FORUM_DATABASE_URL")
    if args.generate:
        generate.main([args.size] + (["--database", url] if url else []))
    url = url or f"sqlite:///{generate.RESULTS / f'forum-{args.size}.db'}"
    if url.startswith("sqlite") and not Path(url.removeprefix("sqlite:///")).exists():
        parser.error(f"no forum at {url}: run `python -m bench.generate {args.size}` first")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "PAGE_CACHE_BYTES": 0})
    with app.test_request_context():  # the reader's language, as a search page has
        engine = db.engine.dialect.name
        built = _ensure_index(args.reindex)
        readers = {"visitor": None, "member": _task_force_member()}
        rows = []
        for name, queries in SETS.items():
            for reader_name, reader in readers.items():
                times, matched = _measure(queries, reader, args.repeat)
                rows.append((engine, name, reader_name, len(queries), matched, times))
        db.session.remove()
    _print(url, built, rows)


def _ensure_index(force):
    """Rebuild the index unless it holds every post: (seconds, posts) or None."""
    connection = db.session.connection()
    posts = index.count_posts(connection)
    if schema.exists(connection) and not force:
        indexed = connection.execute(text(f"SELECT count(*) FROM {schema.TABLE}")).scalar()
        if indexed == posts:
            db.session.commit()
            return None
    started = time.monotonic()
    done = [0]

    def progress(count):
        done[0] += count
        print(f"\rindexing {done[0]:,}/{posts:,}", end="", flush=True)

    index.rebuild(connection, progress)
    db.session.commit()
    print()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f"VACUUM ANALYZE {schema.TABLE}"))
    return round(time.monotonic() - started, 1), posts


def _task_force_member():
    """A member of a task force (bench.generate makes one in nine members one)."""
    from forum.models import TaskForceMember

    user_id = db.session.scalar(select(func.min(TaskForceMember.user_id)))
    return db.session.get(User, user_id)


def _measure(queries, reader, repeat):
    times, matched = [], []
    for typed in queries:
        query = search.parse(typed)
        _search(query, reader)  # warm: the first run reads pages from disk
        for _ in range(repeat):
            started = time.perf_counter()
            found = _search(query, reader)
            times.append((time.perf_counter() - started) * 1000)
            db.session.rollback()
        matched.append(found)
    return times, statistics.median(matched)


def _search(query, reader):
    results = search.find(reader, query)
    search.hits(results.ranked[:PER_PAGE], query)
    return len(results.ranked)


def _percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _print(url, built, rows):
    print(f"\nSearch latency ({url.split('://')[0]}), search statement + page 1 with snippets; "
          f"matches capped at {search.CANDIDATES:,}")  # fmt: skip
    if built:
        print(f"index rebuilt: {built[1]:,} posts in {built[0]} s")
    header = f"{'engine':<11}{'queries':<11}{'reader':<9}{'n':>3}{'matches':>9}"
    header += f"{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
    print(header)
    print("-" * len(header))
    for engine, name, reader, count, matched, times in rows:
        print(f"{engine:<11}{name:<11}{reader:<9}{count:>3}{matched:>9,.0f}"
              f"{_percentile(times, 0.5):>9.1f}{_percentile(times, 0.95):>9.1f}"
              f"{max(times):>9.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
