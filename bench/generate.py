"""Build a realistic forum of a given size into a fresh database, for the benchmark.

    python -m bench.generate small|large [--database URL]

The database is FORUM_DATABASE_URL when set (it is emptied first), else a SQLite file under
bench/results/. Rows go in with SQLAlchemy Core executemany in batches, with post HTML taken
from a pool rendered once, and every counter computed here exactly as
forum.threads.actions keeps it. A manifest (bench/results/<size>.json) tells bench.run which
board, threads and accounts to use, and lists the public thread ids for the long-tail run.
"""

import argparse
import json
import os
import random
import secrets
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import bindparam, text, update
from werkzeug.security import generate_password_hash

from bench import texts
from forum import create_app, seed
from forum.clock import utcnow
from forum.demo import AUTHORITIES
from forum.extensions import db
from forum.models import (
    GOVERNORATES,
    THREAD_KINDS,
    Board,
    BoardModerator,
    LocalAuthority,
    Notification,
    Post,
    TaskForceMember,
    Thread,
    User,
)
from forum.models.threads import PATH_SEGMENT
from forum.threads.actions import recount_participation

RESULTS = Path(__file__).parent / "results"
BENCH_BOARD = "financial-management"
BENCH_EMAIL = "bench@tabadul.test"
# A fresh password per generated forum; bench.run reads it back from the manifest.
BENCH_PASSWORD = secrets.token_urlsafe(12)
BENCH_TASK_FORCE = "financial-experts"
# Two more plain members (same password) for the mixed run: one posts replies, one reads
# their notifications. Neither is the bench account, so each has a session of their own.
WRITER_ID, NOTIFIED_ID = 4, 5
NOTIFICATIONS = 30
MAX_DEPTH = 8
BATCH_POSTS = 20_000


@dataclass(frozen=True)
class Size:
    posts: int
    threads: int
    users: int
    authorities: int
    twenty_post_threads: int


SIZES = {
    "small": Size(posts=1_000, threads=100, users=60, authorities=25, twenty_post_threads=5),
    "large": Size(
        posts=1_000_000, threads=100_000, users=5_000, authorities=400, twenty_post_threads=50
    ),
}


@dataclass
class BoardTally:
    """A board's counters, kept as refresh_board would compute them."""

    thread_count: int = 0
    post_count: int = 0
    last: tuple = ()  # (last_activity_at, thread id) of the latest published thread


@dataclass
class Batch:
    threads: list = field(default_factory=list)
    posts: list = field(default_factory=list)
    thread_links: list = field(default_factory=list)


class Progress:
    """A one-line progress bar on stderr."""

    def __init__(self, total, label):
        self.total, self.label, self.done, self.started = total, label, 0, time.monotonic()

    def advance(self, count):
        self.done += count
        share = self.done / self.total if self.total else 1
        bar = "#" * int(share * 30)
        elapsed = time.monotonic() - self.started
        sys.stderr.write(
            f"\r{self.label} [{bar:<30}] {share:6.1%} {self.done:,}/{self.total:,} {elapsed:6.1f} s"
        )
        if self.done >= self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", choices=sorted(SIZES))
    parser.add_argument("--database", help="SQLAlchemy URL (default: FORUM_DATABASE_URL or SQLite)")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args(argv)
    url = args.database or os.environ.get("FORUM_DATABASE_URL") or _sqlite_url(args.size)
    started = time.monotonic()
    manifest = generate(url, SIZES[args.size], random.Random(args.seed))
    manifest.update(size=args.size, seconds=round(time.monotonic() - started, 1),
                    generated_at=utcnow().isoformat(timespec="seconds"))  # fmt: skip
    path = RESULTS / f"{args.size}.json"
    RESULTS.mkdir(exist_ok=True)  # made by the SQLite file too, but not on PostgreSQL
    path.write_text(json.dumps(manifest, indent=2))
    print(f"{args.size}: {manifest['posts']:,} posts in {manifest['seconds']} s → {path}")


def _sqlite_url(size):
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"forum-{size}.db"
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def generate(url, size, rng):
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed.load_seed()
        db.session.commit()
        boards = {board.slug: board for board in db.session.query(Board)}
        users, bench_user = _people(size, rng, boards)
        openings, replies = texts.text_pool(rng.random())
        with db.engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA synchronous = OFF")
            manifest = _content(connection, size, rng, boards, users, (openings, replies))
            _notifications(connection, rng, NOTIFIED_ID, manifest["public_threads"])
        # The members' threads and replies per board, which the authorities' pages sum.
        recount_participation()
        db.session.commit()
        # An open transaction would keep VACUUM from marking rows visible to all.
        db.session.remove()
        _analyze()
    accounts = {"writer": _account(WRITER_ID), "notified": _account(NOTIFIED_ID)}
    manifest.update(database_url=url, login={"email": BENCH_EMAIL, "password": BENCH_PASSWORD},
                    bench_user_id=bench_user, accounts=accounts)  # fmt: skip
    return manifest


def _account(user_id):
    return {"id": user_id, "email": f"member{user_id}@tabadul.test", "password": BENCH_PASSWORD}


def _people(size, rng, boards):
    """Local authorities, members (one shared password hash: scrypt is slow on purpose)."""
    authorities = []
    governorates = list(GOVERNORATES)
    for number in range(size.authorities):
        if number < len(AUTHORITIES):
            name_ar, name_en, kind, governorate = AUTHORITIES[number]
        else:
            kind, governorate = (
                rng.choice(("municipality", "village_council")),
                rng.choice(governorates),
            )
            name_ar, name_en = f"هيئة محلية {number}", f"Local authority {number}"
        authorities.append(
            {"name_ar": name_ar, "name_en": name_en, "kind": kind, "governorate": governorate}
        )
    db.session.execute(LocalAuthority.__table__.insert(), authorities)
    password_hash = generate_password_hash(BENCH_PASSWORD, method="scrypt")
    joined = utcnow() - timedelta(days=1200)
    rows = []
    for number in range(1, size.users + 1):
        rows.append({
            "id": number, "display_name": f"عضو {number}" if number % 4 else f"Member {number}",
            "email": BENCH_EMAIL if number == 1 else f"member{number}@tabadul.test",
            "password_hash": password_hash, "authority_id": rng.randint(1, size.authorities),
            "job_title": "", "role": "moderator" if number == 2 else "member",
            "moderates_all_boards": False, "language": "ar", "active": True, "joined_at": joined,
            "approved_post_count": 0,
            # Confirmed long ago: an unconfirmed address may not post (the writer's replies).
            "email_verified_at": joined,
        })  # fmt: skip
    db.session.execute(User.__table__.insert(), rows)
    task_forces = [board.task_force_id for board in boards.values() if board.task_force_id]
    members = [{"task_force_id": boards[f"tf-{BENCH_TASK_FORCE}"].task_force_id, "user_id": 1}]
    for number in range(3, size.users + 1, 9):
        members.append({"task_force_id": rng.choice(task_forces), "user_id": number})
    db.session.execute(TaskForceMember.__table__.insert(), members)
    db.session.execute(
        BoardModerator.__table__.insert(), [{"board_id": boards[BENCH_BOARD].id, "user_id": 2}]
    )
    db.session.commit()
    return list(range(1, size.users + 1)), 1


def _thread_sizes(size, rng):
    """Posts per thread: one of 500, a few of 20, the rest skewed, summing to size.posts."""
    special = [500] + [20] * size.twenty_post_threads
    count = size.threads - len(special)
    remaining = size.posts - sum(special)
    mean = remaining / count
    sizes = [min(1 + int(rng.expovariate(1 / max(mean - 1, 0.01))), 300) for _ in range(count)]
    difference = remaining - sum(sizes)
    while difference:
        index = rng.randrange(count)
        step = max(1, min(abs(difference) // 50, 5))
        if difference > 0:
            sizes[index] += step
            difference -= step
        elif sizes[index] > step:
            sizes[index] -= step
            difference += step
    return special, sizes


def _board_plan(boards, rng):
    """Weights: the bench board is the busiest; task-force boards are quieter."""
    slugs, weights = [], []
    for slug, board in boards.items():
        slugs.append(slug)
        weights.append(30 if slug == BENCH_BOARD else (2 if board.task_force_id else 10))
    return lambda: rng.choices(slugs, weights)[0]


def _content(connection, size, rng, boards, users, pool):
    special, sizes = _thread_sizes(size, rng)
    pick_board = _board_plan(boards, rng)
    plan = [(count, pick_board()) for count in sizes]
    plan += [(count, BENCH_BOARD) for count in special]
    rng.shuffle(plan)
    now = utcnow()
    span = timedelta(days=3 * 365).total_seconds()
    starts = sorted(rng.uniform(0, span - 86_400) for _ in plan)
    tallies = {slug: BoardTally() for slug in boards}
    authored = dict.fromkeys(users, 0)
    progress = Progress(size.posts, "posts")
    batch, post_id = Batch(), 0
    manifest = {"twenty_post_threads": [], "public_threads": [], "locked_threads": []}
    pinned_left = {slug: 2 for slug in boards}
    for thread_id, (count, slug) in enumerate(plan, start=1):
        created = now - timedelta(seconds=span) + timedelta(seconds=starts[thread_id - 1])
        status = "pending" if count == 1 and rng.random() < 0.05 else "published"
        pinned = status == "published" and pinned_left[slug] > 0 and rng.random() < 0.05
        pinned_left[slug] -= pinned
        thread = _thread_row(thread_id, boards[slug].id, rng, users, created, status, pinned)
        posts = _post_rows(thread, count, post_id, rng, users, pool, now)
        post_id += count
        _tally(thread, posts, tallies[slug], authored)
        batch.threads.append(thread)
        batch.posts.extend(posts)
        link = {"tid": thread_id, "first": posts[0]["id"], "last": thread.pop("_last")}
        batch.thread_links.append(link)
        if status == "published" and boards[slug].access == "public":
            manifest["public_threads"].append(thread_id)  # what a visitor may read
            if thread["locked"]:
                manifest["locked_threads"].append(thread_id)
        if slug == BENCH_BOARD and count == 500:
            manifest["thread_500"] = thread_id
        elif slug == BENCH_BOARD and count == 20 and len(manifest["twenty_post_threads"]) < 5:
            manifest["twenty_post_threads"].append(thread_id)
        if len(batch.posts) >= BATCH_POSTS:
            _write(connection, batch, progress)
            batch = Batch()
    _write(connection, batch, progress)
    _finish_counters(connection, boards, tallies, authored)
    connection.commit()
    board_pages = max(1, -(-tallies[BENCH_BOARD].thread_count // 20))
    manifest.update(posts=post_id, threads=len(plan), board=BENCH_BOARD,
                    board_pages=board_pages, deep_page=min(500, board_pages),
                    thread_20=manifest["twenty_post_threads"][0])  # fmt: skip
    return manifest


def _thread_row(thread_id, board_id, rng, users, created, status, pinned):
    return {
        "id": thread_id, "board_id": board_id, "author_id": rng.choice(users),
        "title": texts.title(rng, thread_id), "kind": rng.choice(list(THREAD_KINDS)),
        "status": status, "pinned": pinned, "locked": rng.random() < 0.01,
        "created_at": created, "last_activity_at": created, "reply_count": 0,
        # Published at once (no approval): the reports and digests place threads by it.
        "published_at": created if status == "published" else None,
        "first_post_id": None, "last_post_id": None, "rejection_reason": None,
        "status_before_delete": None,
    }  # fmt: skip


def _post_rows(thread, count, last_id, rng, users, pool, now):
    """The opening post and count - 1 replies, threaded: about half answer the opening post."""
    openings, replies = pool
    rows, moment = [], thread["created_at"]
    for index in range(count):
        post_id = last_id + index + 1
        segment = str(post_id).zfill(PATH_SEGMENT)
        if index == 0:
            parent, source = None, rng.choice(openings)
        else:
            parent = rows[0] if rng.random() < 0.5 else rng.choice(rows)
            if parent["depth"] >= MAX_DEPTH:
                parent = rows[0]
            source = rng.choice(replies)
            moment = min(moment + timedelta(seconds=rng.expovariate(1 / 10_800)), now)
        rows.append({
            "id": post_id, "thread_id": thread["id"],
            "author_id": thread["author_id"] if index == 0 else rng.choice(users),
            "parent_id": parent["id"] if parent else None,
            "path": f"{parent['path']}.{segment}" if parent else segment,
            "depth": parent["depth"] + 1 if parent else 0,
            "body_source": source[0], "body_html": source[1], "status": "published",
            "created_at": moment, "edited_at": None, "deleted_at": None, "hidden_at": None,
        })  # fmt: skip
    thread["reply_count"] = count - 1
    thread["last_activity_at"] = max(rows[-1]["created_at"], thread["created_at"])
    thread["_last"] = rows[-1]["id"]
    return rows


def _tally(thread, posts, tally, authored):
    if thread["status"] != "published":
        return
    for post in posts:
        authored[post["author_id"]] += 1
    tally.thread_count += 1
    tally.post_count += len(posts)
    tally.last = max(tally.last, (thread["last_activity_at"], thread["id"]))


def _write(connection, batch, progress):
    """Threads first without their post links (foreign keys), then posts, then the links."""
    if batch.threads:
        connection.execute(Thread.__table__.insert(), batch.threads)
        connection.execute(Post.__table__.insert(), batch.posts)
        links = (
            update(Thread.__table__)
            .where(Thread.__table__.c.id == bindparam("tid"))
            .values(first_post_id=bindparam("first"), last_post_id=bindparam("last"))
        )
        connection.execute(links, batch.thread_links)
        connection.commit()
    progress.advance(len(batch.posts))


def _finish_counters(connection, boards, tallies, authored):
    table = Board.__table__
    for slug, tally in tallies.items():
        last_at, last_id = tally.last or (None, None)
        connection.execute(
            update(table).where(table.c.id == boards[slug].id).values(
                thread_count=tally.thread_count, post_count=tally.post_count,
                last_thread_id=last_id, last_post_at=last_at,
            )
        )  # fmt: skip
    users = User.__table__
    connection.execute(
        update(users).where(users.c.id == bindparam("uid"))
        .values(approved_post_count=bindparam("count")),
        [{"uid": user_id, "count": count} for user_id, count in authored.items()],
    )  # fmt: skip


def _notifications(connection, rng, user_id, thread_ids):
    """A page of notifications about public threads, half of them unread."""
    now = utcnow()
    rows = []
    for number in range(NOTIFICATIONS):
        thread_id = rng.choice(thread_ids)
        rows.append({
            "user_id": user_id, "kind": rng.choice(("thread_approved", "post_approved")),
            "thread_id": thread_id, "post_id": None, "data": {},
            "created_at": now - timedelta(hours=number * 7),
            "read_at": None if number % 2 else now,
        })  # fmt: skip
    connection.execute(Notification.__table__.insert(), rows)
    connection.commit()


def _analyze():
    """Fresh statistics, so that both planners choose the listing indexes; on PostgreSQL the
    id sequences also move past the ids written here, or the next reply would reuse one."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in ("users", "threads", "posts", "notifications", "local_authorities"):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {table}))"
                    )
                )
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with db.engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()


if __name__ == "__main__":
    main()
