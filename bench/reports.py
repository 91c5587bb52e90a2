"""Time the participation report and the local authorities' pages on a generated forum.

    python -m bench.reports small|large [--repeat 5]

In-process (the Flask test client, no page cache, no HTTP server): each page once unmeasured,
then --repeat times; prints the SQL statements of one request and p50/max in milliseconds.
The reports are read by an administrator (the federation's view, every platform) that this
adds to the generated forum once; the authorities' pages by a visitor.
"""

import argparse
import json
import secrets
import statistics
import time
from datetime import timedelta

from sqlalchemy import event, select
from werkzeug.security import generate_password_hash

from bench.generate import RESULTS
from bench.serve import SECRET, csrf_token
from forum import create_app
from forum.clock import utcnow
from forum.extensions import db
from forum.models import User

ADMIN_EMAIL = "report-admin@tabadul.test"
# A fresh password each run, set on the administrator before logging in: none is written here.
ADMIN_PASSWORD = secrets.token_urlsafe(16)


def pages(today):
    """(name, url, reader) for every page measured; a year's range ends today."""
    year = f"start={today - timedelta(days=365):%Y-%m-%d}&end={today:%Y-%m-%d}"
    everything = f"start={today - timedelta(days=3 * 366):%Y-%m-%d}&end={today:%Y-%m-%d}"
    found = [("/reports (default: twelve whole months)", "/reports", "admin")]
    for by in ("month", "platform", "governorate", "authority"):
        found.append((f"/reports by {by}, a year", f"/reports?by={by}&{year}", "admin"))
    found += [
        ("/reports by month, 3 years", f"/reports?by=month&{everything}", "admin"),
        ("/reports by authority, 3 years", f"/reports?by=authority&{everything}", "admin"),
        ("/reports.csv by authority, a year", f"/reports.csv?by=authority&{year}", "admin"),
        ("/authorities", "/authorities", "visitor"),
        ("/authorities/1", "/authorities/1", "visitor"),
        ("/tags", "/tags", "visitor"),
    ]
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", choices=("small", "large"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", help="measure only the pages whose name contains this")
    args = parser.parse_args(argv)
    manifest = json.loads((RESULTS / f"{args.size}.json").read_text())
    app = create_app({"DATABASE_URL": manifest["database_url"], "SECRET_KEY": SECRET,
                      "PAGE_CACHE_BYTES": 0, "RATELIMIT_ENABLED": False})  # fmt: skip
    statements = []
    with app.app_context():
        _ensure_admin()
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
    admin, visitor = app.test_client(), app.test_client()
    _log_in(admin)
    rows = []
    for name, url, reader in pages(utcnow().date()):
        if args.only and args.only not in name:
            continue
        client = admin if reader == "admin" else visitor
        statements.clear()
        first = client.get(url)
        assert first.status_code == 200, (url, first.status_code)
        count = len(statements)
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            client.get(url)
            times.append(1000 * (time.perf_counter() - started))
        rows.append((name, count, statistics.median(times), max(times)))
        print(f"{name:<42} {count:>4} statements  p50 {rows[-1][2]:>8.1f} ms"
              f"  max {rows[-1][3]:>8.1f} ms", flush=True)  # fmt: skip
    return rows


def _ensure_admin():
    """The bench's administrator, added once, with this run's password."""
    admin = db.session.scalar(select(User).where(User.email == ADMIN_EMAIL))
    if admin is None:
        admin = User(email=ADMIN_EMAIL, display_name="Report admin", role="admin",
                     language="en", email_verified_at=utcnow(), joined_at=utcnow())  # fmt: skip
        db.session.add(admin)
    admin.password_hash = generate_password_hash(ADMIN_PASSWORD)
    db.session.commit()
    db.session.remove()


def _log_in(client):
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    answer = client.post("/auth/login", data={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD,
                                              "csrf_token": token})  # fmt: skip
    assert answer.status_code == 302, "the bench administrator could not log in"


if __name__ == "__main__":
    main()
