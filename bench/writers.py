"""Writers at once: how many replies a second the forum commits, and how long each waits.

    python -m bench.writers small|large [--writers 4] [--seconds 5] [--same-board]

Reads the manifest bench.generate wrote and runs N processes (as N app workers would), each
posting replies through forum.threads.actions and committing each one, as the reply form
does; they pick random public threads, on any board or (--same-board) the bench board only.
Prints replies/s and the p50 and p99 time of one reply (render, write, commit). The forum
database gains the replies: generate it again for figures comparable with bench.run's.
"""

import argparse
import json
import multiprocessing
import random
import statistics
import time

from bench.run import RESULTS
from forum import create_app
from forum.extensions import db
from forum.models import Thread, User
from forum.threads import actions

BODY = "نشارك تجربتنا في **تحصيل الرسوم**: ربطناها بفاتورة الكهرباء، وارتفعت النسبة خلال سنة."


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size")
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--same-board", action="store_true")
    args = parser.parse_args(argv)
    manifest = json.loads((RESULTS / f"{args.size}.json").read_text())
    app = create_app({"DATABASE_URL": manifest["database_url"], "SECRET_KEY": "bench"})
    thread_ids = _targets(app, manifest, same_board=args.same_board)
    with app.app_context():
        db.engine.dispose()  # the writer processes open their own connections
    timings, errors = _run(manifest, thread_ids, args.writers, args.seconds)
    _report(args, app, timings, errors)


def _targets(app, manifest, *, same_board):
    with app.app_context():
        query = db.select(Thread.id).where(Thread.id.in_(manifest["public_threads"]))
        query = query.where(Thread.locked.is_(False))
        if same_board:
            board_id = db.session.get(Thread, manifest["thread_20"]).board_id
            query = query.where(Thread.board_id == board_id)
        return db.session.scalars(query).all()


def _run(manifest, thread_ids, writers, seconds):
    start = time.time() + 2  # every process has built its app by then
    context = multiprocessing.get_context("fork")
    with context.Pool(writers) as pool:
        answers = pool.starmap(
            _write, [(manifest, thread_ids, number, start, seconds) for number in range(writers)]
        )
    return [t for timings, _ in answers for t in timings], [
        e for _, errors in answers for e in errors
    ]


def _write(manifest, thread_ids, number, start, seconds):
    """One writer process: replies until the deadline; its timings and errors."""
    app = create_app({"DATABASE_URL": manifest["database_url"], "SECRET_KEY": "bench"})
    rng = random.Random(number)
    author_id = manifest["accounts"]["writer"]["id"]
    timings, errors = [], []
    time.sleep(max(0, start - time.time()))
    with app.app_context():
        while time.time() < start + seconds:
            began = time.perf_counter()
            try:
                thread = db.session.get(Thread, rng.choice(thread_ids))
                actions.reply(db.session.get(User, author_id), thread, body=BODY)
                db.session.commit()
            except Exception as error:  # noqa: BLE001  (counted and shown, not hidden)
                db.session.rollback()
                errors.append(repr(error)[:120])
            else:
                timings.append(time.perf_counter() - began)
            db.session.remove()
    return timings, errors


def _report(args, app, timings, errors):
    with app.app_context():
        database = db.engine.dialect.name
    where = "the bench board" if args.same_board else "any board"
    print(f"{database}: {args.writers} writers replying to threads on {where} for {args.seconds} s")
    if not timings:
        print(f"no reply committed; errors: {errors[:3]}")
        return
    cuts = statistics.quantiles(timings, n=100) if len(timings) > 1 else [timings[0]] * 99
    print(f"replies/s {len(timings) / args.seconds:8.1f}   p50 {cuts[49] * 1000:7.1f} ms   "
          f"p99 {cuts[98] * 1000:7.1f} ms   errors {len(errors)}")  # fmt: skip
    if errors:
        print(f"first error: {errors[0]}")


if __name__ == "__main__":
    main()
