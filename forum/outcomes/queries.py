"""What is read about outcomes: a thread's outcome with its history and adoptions, one
adoption, and the condition "answered" that board lists filter on.

The thread page asks for a thread the reader may already read; what it shows of other
content (the thread that solved a challenge) is asked of the policy in the template.
"""

from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum.extensions import db
from forum.models import Adoption, OutcomeChange, Post, Thread, ThreadOutcome


class OutcomeOnPage(NamedTuple):
    outcome: ThreadOutcome | None
    changes: list
    adoptions: list


NO_OUTCOME = OutcomeOnPage(None, [], [])


def get_adoption(adoption_id):
    """The adoption with its thread and board, or None."""
    return db.session.get(
        Adoption, adoption_id, options=[joinedload(Adoption.thread).joinedload(Thread.board)]
    )


def outcome_on_page(thread):
    """The thread's outcome as its page shows it: one query for a thread that never had one,
    three at most (the outcome, its history, the adoptions) for one that has."""
    if thread.kind == "discussion":
        return NO_OUTCOME
    outcome = db.session.scalar(
        select(ThreadOutcome)
        .where(ThreadOutcome.thread_id == thread.id)
        .options(
            joinedload(ThreadOutcome.accepted_post).joinedload(Post.author),
            joinedload(ThreadOutcome.solution_thread).joinedload(Thread.board),
        )
    )
    if outcome is None:
        return NO_OUTCOME
    changes = db.session.scalars(
        select(OutcomeChange)
        .where(OutcomeChange.thread_id == thread.id)
        .options(joinedload(OutcomeChange.actor), joinedload(OutcomeChange.authority))
        .order_by(OutcomeChange.id)
    ).all()
    adoptions = []
    if thread.kind == "success_story":
        adoptions = db.session.scalars(
            select(Adoption)
            .where(Adoption.thread_id == thread.id)
            .options(joinedload(Adoption.authority), joinedload(Adoption.user))
            .order_by(Adoption.created_at, Adoption.id)
        ).all()
    return OutcomeOnPage(outcome, changes, adoptions)


def authority_adopted(thread, user):
    """Whether the member's local authority has adopted the story already."""
    if getattr(user, "authority_id", None) is None:
        return False
    found = db.session.scalar(
        select(Adoption.id).where(
            Adoption.thread_id == thread.id, Adoption.authority_id == user.authority_id
        )
    )
    return found is not None


def answered_threads():
    """Threads with an accepted answer, as a condition on Thread for lists and counts."""
    return Thread.id.in_(
        select(ThreadOutcome.thread_id).where(ThreadOutcome.accepted_post_id.is_not(None))
    )
