"""Plain make_* functions for test data (call inside an app context), and form submission."""

import itertools
import re
from dataclasses import dataclass

from sqlalchemy import select

from forum.accounts.actions import register_user
from forum.clock import utcnow
from forum.extensions import db
from forum.models import Board, BoardModerator, LocalAuthority, TaskForce, TaskForceMember, User
from forum.threads import actions

PASSWORD = "correct horse battery staple"
_sequence = itertools.count(1)


@dataclass(frozen=True)
class Person:
    id: int
    email: str
    password: str
    name: str


def make_authority(
    name_ar="بلدية الاختبار", name_en="Test Municipality", governorate="nablus", kind="municipality"
):
    authority = LocalAuthority(name_ar=name_ar, name_en=name_en, kind=kind, governorate=governorate)
    db.session.add(authority)
    db.session.commit()
    return authority


def make_user(
    *,
    role="member",
    email=None,
    name=None,
    authority_id=None,
    moderates=(),
    task_force=None,
    suspended=False,
    language="ar",
):
    """A committed user; `moderates` lists board slugs, `task_force` a task-force slug."""
    number = next(_sequence)
    user = register_user(
        email or f"user{number}@example.org", name or f"عضو {number}", PASSWORD, role=role,
        authority=db.session.get(LocalAuthority, authority_id) if authority_id else None,
        language=language,
    )  # fmt: skip
    for slug in moderates:
        db.session.add(BoardModerator(board=board_by_slug(slug), user=user))
    if task_force:
        found = db.session.scalar(select(TaskForce).where(TaskForce.slug == task_force))
        db.session.add(TaskForceMember(task_force=found, user=user, authority=user.authority))
    if suspended:
        user.suspended_at = utcnow()
        user.suspension_reason = "testing"
    db.session.commit()
    return user


def make_person(**options):
    user = make_user(**options)
    return Person(user.id, user.email, PASSWORD, user.display_name)


def board_by_slug(slug):
    return db.session.scalar(select(Board).where(Board.slug == slug))


def make_thread(
    author_id,
    board_slug="financial-management",
    *,
    title="سؤال عن الموازنة",
    body="ما هي أفضل طريقة؟",
    kind="question",
    published=True,
):
    """A committed thread; published unless asked otherwise, whatever the board's rules."""
    author = db.session.get(User, author_id)
    thread = actions.start_thread(author, board_by_slug(board_slug), title=title, kind=kind,
                                  body=body)  # fmt: skip
    if published and thread.status != "published":
        actions.publish_thread(thread)
    db.session.commit()
    return thread


def make_reply(author_id, thread, *, body="رد على السؤال", parent=None):
    post = actions.reply(db.session.get(User, author_id), thread, body=body, parent=parent)
    db.session.commit()
    return post


# Forms ------------------------------------------------------------------------------------

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, url):
    page = client.get(url)
    found = _TOKEN.search(page.get_data(as_text=True))
    assert found, f"no CSRF token on {url} (status {page.status_code})"
    return found.group(1)


def submit(client, url, data, *, form_page=None, follow_redirects=False):
    """Post a form the way a browser does: fetch the page for its CSRF token first."""
    token = csrf_token(client, form_page or url)
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=follow_redirects)
