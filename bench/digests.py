"""Build one day's daily digests for many readers on a generated forum, and measure it.

    python -m bench.digests small|large [--readers 5000]

Adds N readers (Core executemany) to the forum bench.generate wrote, each following 3 to 6
boards at mixed levels (per board: daily 40%, weekly 20%, instant 15%, in-app 15%, muted 10%),
half of them in Arabic and half in English. Then it runs forum.digests.send_digests(daily,
everyone=True), the function behind `flask forum digests daily --all`: the mail is queued in
the outbox, never sent. It prints the readers digested, the mails queued, the wall time, the
peak RSS and the SQL statements issued (in total and per reader).

The subscriptions start a day ago, or just before the 10th newest published thread when
fewer than 10 were published in the last day: the generator spreads its threads over three
years ending at least a day ago, so a day-old start would find nothing new. Forums generated
before 2026-12-01 left threads.published_at empty; this sets it to created_at for published
threads (the generator now does). Running
it again removes the readers, subscriptions, digest runs and digest mail of the last run first.
"""

import argparse
import json
import random
import resource
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, event, func, select, update

from forum import create_app, digests
from forum.clock import utcnow
from forum.extensions import db
from forum.models import Board, BoardSubscription, DigestRun, Level, Mail, Thread, User

RESULTS = Path(__file__).parent / "results"
READER_DOMAIN = "digest-readers.test"
LEVEL_MIX = {Level.DAILY: 40, Level.WEEKLY: 20, Level.INSTANT: 15, Level.IN_APP: 15,
             Level.MUTED: 10}  # fmt: skip
BOARDS_PER_READER = (3, 6)
MIN_NEW_THREADS = 10


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", help="small or large (the manifest bench.generate wrote)")
    parser.add_argument("--readers", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    manifest = json.loads((RESULTS / f"{args.size}.json").read_text())
    app = create_app({"DATABASE_URL": manifest["database_url"], "SECRET_KEY": "bench"})
    with app.app_context():
        now = utcnow()
        _reset()
        start, new_threads = _subscription_start(now)
        levels = _add_readers(args.readers, start, random.Random(args.seed))
        result = _measure(now)
    hours = (now - start).total_seconds() / 3600
    mix = ", ".join(f"{level} {count:,}" for level, count in levels.most_common())
    readers = max(result["digested"], 1)
    print(f"digests ({args.size}, {args.readers:,} readers; subscriptions from {hours:.0f} h ago, "
          f"{new_threads:,} threads published since; subscription levels {mix})")  # fmt: skip
    print(f"  readers digested   {result['digested']:>10,}")
    print(f"  mails queued       {result['queued']:>10,}   (empty: {result['empty']:,})")
    print(f"  wall time          {result['seconds']:>10.1f} s"
          f"   ({result['seconds'] / readers * 1000:.1f} ms a reader)")  # fmt: skip
    print(f"  peak RSS           {result['rss_mb']:>10.0f} MB")
    print(f"  SQL statements     {result['statements']:>10,}"
          f"   ({result['statements'] / readers:.1f} a reader)")  # fmt: skip


def _reset():
    """Published threads get their published_at; the last run's readers and digests go."""
    threads = Thread.__table__
    db.session.execute(
        update(threads).where(threads.c.status == "published", threads.c.published_at.is_(None))
        .values(published_at=threads.c.created_at)
    )  # fmt: skip
    readers = select(User.id).where(User.email.like(f"%@{READER_DOMAIN}"))
    db.session.execute(delete(DigestRun).where(DigestRun.user_id.in_(readers)))
    db.session.execute(delete(Mail).where(Mail.user_id.in_(readers)))
    db.session.execute(delete(BoardSubscription).where(BoardSubscription.user_id.in_(readers)))
    db.session.execute(delete(User).where(User.email.like(f"%@{READER_DOMAIN}")))
    db.session.commit()


def _subscription_start(now):
    """A day ago, or just before the MIN_NEW_THREADS-th newest published thread if earlier."""
    day_ago = now - timedelta(days=1)
    newest = db.session.scalars(
        select(Thread.published_at).where(Thread.published_at.is_not(None))
        .order_by(Thread.published_at.desc()).limit(MIN_NEW_THREADS)
    ).all()  # fmt: skip
    start = day_ago
    if newest and len(newest) == MIN_NEW_THREADS and newest[-1] < day_ago:
        start = newest[-1] - timedelta(seconds=1)
    count = db.session.scalar(select(func.count()).where(Thread.published_at > start))
    return start, count


def _add_readers(count, start, rng):
    model = db.session.get(User, 1)  # the bench member: its password hash and authority
    first = db.session.scalar(select(func.max(User.id))) + 1
    boards = db.session.scalars(select(Board.id).order_by(Board.id)).all()
    users, subscriptions, levels = [], [], Counter()
    for number in range(first, first + count):
        users.append({
            "id": number, "display_name": f"قارئ {number}" if number % 2 else f"Reader {number}",
            "email": f"reader{number}@{READER_DOMAIN}", "password_hash": model.password_hash,
            "authority_id": model.authority_id, "job_title": "", "role": "member",
            "moderates_all_boards": False, "language": "ar" if number % 2 else "en",
            "active": True, "joined_at": start - timedelta(days=30), "approved_post_count": 0,
        })  # fmt: skip
        for board_id in rng.sample(boards, min(len(boards), rng.randint(*BOARDS_PER_READER))):
            level = rng.choices(list(LEVEL_MIX), list(LEVEL_MIX.values()))[0]
            levels[level] += 1
            subscriptions.append(
                {"user_id": number, "board_id": board_id, "level": level, "created_at": start}
            )
    with db.engine.connect() as connection:
        connection.execute(User.__table__.insert(), users)
        connection.execute(BoardSubscription.__table__.insert(), subscriptions)
        connection.commit()
    return levels


def _measure(now):
    statements = 0

    def count(*_args):
        nonlocal statements
        statements += 1

    event.listen(db.engine, "before_cursor_execute", count)
    started = time.monotonic()
    try:
        outcomes = digests.send_digests(Level.DAILY, now, everyone=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    seconds = time.monotonic() - started
    return {
        "digested": outcomes["queued"] + outcomes["empty"],
        "queued": outcomes["queued"],
        "empty": outcomes["empty"],
        "seconds": seconds,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "statements": statements,
    }


if __name__ == "__main__":
    main()
