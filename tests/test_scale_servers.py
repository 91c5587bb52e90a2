"""Two app servers (gunicorn, gunicorn.conf.py) on different ports against one PostgreSQL and
one Redis, as behind a reverse proxy: what one server counts, writes or takes away, the other
knows at once.
"""

import pytest
import requests
from sqlalchemy import select

from forum.extensions import db
from forum.models import TaskForce
from tests.factories import make_person, make_reply, make_thread
from tests.services import (
    log_in,
    processes,
    services,  # noqa: F401  (the fixture that every test here uses)
    start_servers,
    token,
    wait_for,
)

pytestmark = [pytest.mark.services, pytest.mark.committed, pytest.mark.usefixtures("services")]


def test_a_rate_limit_counts_requests_on_both_servers(app, database_url, tmp_path):
    with processes(tmp_path) as started:
        one, two = start_servers(started, database_url, RATELIMIT_SEARCH="6 per minute")
        answers = [requests.get(f"{base}/search?q=ميزانية", timeout=10).status_code
                   for base in (one, two) * 4]  # fmt: skip
    assert answers == [200] * 6 + [429] * 2


def test_a_write_on_one_server_empties_the_cached_page_on_the_other(app, database_url, tmp_path):
    with app.app_context():
        author = make_person(name="كاتبة")
        thread = make_thread(author.id, title="النفايات الصلبة")
        make_reply(author.id, thread)
        thread_id = thread.id
    with processes(tmp_path) as started:
        one, two = start_servers(started, database_url)
        page = f"{two}/t/{thread_id}"
        # Each of the two's workers has the page cached (a visitor's requests go to either).
        wait_for(lambda: all(requests.get(page, timeout=10).headers.get("X-Page-Cache") == "hit"
                             for _ in range(4)), 20, "the page cached")  # fmt: skip
        member = log_in(one, author)
        reply_url = f"{one}/t/{thread_id}/reply"
        fields = {"csrf_token": token(member.get(reply_url, timeout=10)), "parent_id": "",
                  "body": "ردٌّ كُتب على الخادم الأول"}  # fmt: skip
        assert member.post(reply_url, data=fields, allow_redirects=False).status_code == 302
        # At once, on both workers of the other server; each renders it once more, then keeps
        # it again (which worker takes a request is the kernel's choice, so count, not order).
        answers = [requests.get(page, timeout=10) for _ in range(8)]
        assert all("ردٌّ كُتب على الخادم الأول" in answer.text for answer in answers)
        hits = [answer.headers.get("X-Page-Cache") == "hit" for answer in answers]
        assert sum(hits) >= len(answers) - 2  # at most one miss per worker


def test_a_member_removed_from_a_task_force_on_one_server_is_refused_on_the_other(
    app, database_url, tmp_path, task_force_member, admin
):
    with app.app_context():
        task_force_id = db.session.scalar(
            select(TaskForce.id).where(TaskForce.slug == "financial-experts")
        )
    board = "/b/tf-financial-experts"
    with processes(tmp_path) as started:
        one, two = start_servers(started, database_url)
        member = log_in(two, task_force_member)
        for _ in range(4):  # both workers of the second server
            assert member.get(two + board, timeout=10).status_code == 200
        administrator = log_in(one, admin)
        page = administrator.get(f"{one}/admin/task-forces/{task_force_id}", timeout=10)
        removal = f"{one}/admin/task-forces/{task_force_id}/members/{task_force_member.id}/remove"
        answer = administrator.post(removal, data={"csrf_token": token(page)},
                                    allow_redirects=False, timeout=10)  # fmt: skip
        assert answer.status_code == 302
        # Secret content answers 404 (forum.permissions), on every worker, at once.
        assert [member.get(two + board, timeout=10).status_code for _ in range(4)] == [404] * 4
