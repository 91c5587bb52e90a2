"""A post's versions, oldest to newest, and what changed between them (difflib, word by word)."""

import re
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum.extensions import db
from forum.models import PostRevision, User

# Words and the spaces between them, so that a changed word is marked, not a whole line.
_TOKEN = re.compile(r"\s+|\S+")


@dataclass(frozen=True)
class Change:
    kind: str  # "same", "added" or "removed"
    text: str


@dataclass(frozen=True)
class Version:
    number: int
    author: User
    at: datetime
    title: str | None
    title_changes: list | None  # None when the title did not change
    body_changes: list
    current: bool


def versions_of(post):
    """Every version of the post, newest first; each but the first shows its changes."""
    revisions = db.session.scalars(
        select(PostRevision)
        .where(PostRevision.post_id == post.id)
        .options(joinedload(PostRevision.author), joinedload(PostRevision.replaced_by))
        .order_by(PostRevision.id)
    ).all()
    is_opening = post.thread.first_post_id == post.id
    texts = [(r.title, r.body_source, r.author, r.created_at) for r in revisions]
    latest_author = revisions[-1].replaced_by if revisions else post.author
    texts.append(
        (post.thread.title if is_opening else None, post.body_source, latest_author,
         post.edited_at or post.created_at)
    )  # fmt: skip
    versions = []
    previous = None
    for number, (title, body, author, at) in enumerate(texts, start=1):
        if previous is None:
            body_changes, title_changes = [Change("same", body)], None
        else:
            body_changes = changes(previous[1], body)
            title_changes = None
            if title is not None and previous[0] is not None and title != previous[0]:
                title_changes = changes(previous[0], title)
        versions.append(
            Version(number, author, at, title, title_changes, body_changes,
                    number == len(texts))
        )  # fmt: skip
        previous = (title, body)
    return list(reversed(versions))


def changes(old, new):
    """The new text as runs of kept, removed and added words."""
    before, after = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    matcher = SequenceMatcher(a=before, b=after, autojunk=False)
    runs = []
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            runs.append(Change("same", "".join(before[i1:i2])))
            continue
        if i2 > i1:
            runs.append(Change("removed", "".join(before[i1:i2])))
        if j2 > j1:
            runs.append(Change("added", "".join(after[j1:j2])))
    return runs
