"""Changing a thread's outcome: accepting an answer, setting a challenge's status, adopting a
success story or withdrawing an adoption.

Like every action, these take the acting user, check the rules that depend on the data (the
policy has already said whether the actor may), keep the change in the thread's outcome
history, tell listeners (forum.events) and never commit.
"""

from flask_babel import gettext as _
from sqlalchemy import select

from forum import events
from forum.clock import utcnow
from forum.extensions import db
from forum.models import (
    Adoption,
    ChallengeStatus,
    OutcomeChange,
    Post,
    Status,
    Thread,
    ThreadOutcome,
)
from forum.moderation import log as moderation_log


class OutcomeError(ValueError):
    """A rule about outcomes was broken; the message is shown to the person who tried."""


def accept_answer(actor, post):
    """Mark a reply as its question's accepted answer (replacing any earlier one)."""
    thread = post.thread
    if post.id == thread.first_post_id:
        raise OutcomeError(_("The question itself cannot be its answer."))
    if not post.is_visible_to_all:
        raise OutcomeError(_("Only a published reply can be the accepted answer."))
    outcome = outcome_of(thread)
    if outcome.accepted_post_id == post.id:
        return outcome
    before = outcome.accepted_post_id
    outcome.accepted_post_id = post.id
    outcome.accepted_at = outcome.updated_at = utcnow()
    _record(actor, thread, "answer", before, post.id)
    if actor.id != thread.author_id:
        moderation_log.record(actor, "accept_answer", post=post)
    return outcome


def clear_answer(actor, thread):
    """Leave the question without an accepted answer."""
    outcome = outcome_of(thread)
    if outcome.accepted_post_id is None:
        return outcome
    before = outcome.accepted_post_id
    outcome.accepted_post_id = outcome.accepted_at = None
    outcome.updated_at = utcnow()
    _record(actor, thread, "answer", before, None)
    if actor.id != thread.author_id:
        moderation_log.record(actor, "clear_answer", thread=thread)
    return outcome


def set_challenge_status(actor, thread, status, *, note="", solution=None):
    """Move a challenge to a status, with an optional note and the reply (a Post) or thread
    (a Thread) that solved it; the caller checked that the actor may read that one."""
    status = ChallengeStatus(status)
    solution_post = solution if isinstance(solution, Post) else None
    solution_thread = solution if isinstance(solution, Thread) else None
    if solution_post is not None and not solution_post.is_visible_to_all:
        raise OutcomeError(_("The solution must be a published reply or thread."))
    if solution_thread is not None and solution_thread.status != Status.PUBLISHED:
        raise OutcomeError(_("The solution must be a published reply or thread."))
    if solution_thread is not None and solution_thread.id == thread.id:
        raise OutcomeError(_("A challenge cannot be its own solution."))
    outcome = outcome_of(thread)
    note = (note or "").strip()
    before = outcome.challenge_status
    outcome.challenge_status = status
    outcome.status_note = note
    outcome.solution_post_id = solution_post.id if solution_post is not None else None
    outcome.solution_thread_id = solution_thread.id if solution_thread is not None else None
    outcome.updated_at = utcnow()
    _record(actor, thread, "status", before, status, note=note)
    if actor.id != thread.author_id:
        moderation_log.record(actor, "set_challenge_status", thread=thread, reason=note)
    return outcome


def adopt_story(actor, thread, *, note, contact=""):
    """Record that the actor's local authority adopted the practice the story describes."""
    authority_id = actor.authority_id
    taken = db.session.scalar(
        select(Adoption.id).where(
            Adoption.thread_id == thread.id, Adoption.authority_id == authority_id
        )
    )
    if taken is not None:
        raise OutcomeError(_("Your local authority has already adopted this practice."))
    adoption = Adoption(
        thread=thread, authority_id=authority_id, user_id=actor.id, note=note.strip(),
        contact=(contact or "").strip(),
    )  # fmt: skip
    db.session.add(adoption)
    outcome_of(thread).updated_at = utcnow()
    _record(actor, thread, "adoption", "", "adopted", authority_id=authority_id)
    return adoption


def withdraw_adoption(actor, adoption):
    thread = adoption.thread
    _record(actor, thread, "adoption", "adopted", "", authority_id=adoption.authority_id)
    if actor.id != adoption.user_id:
        moderation_log.record(actor, "withdraw_adoption", thread=thread)
    db.session.delete(adoption)
    outcome_of(thread).updated_at = utcnow()


def outcome_of(thread):
    """The thread's outcome row, made on its first change."""
    outcome = thread.outcome
    if outcome is None:
        outcome = ThreadOutcome(
            thread=thread,
            challenge_status=ChallengeStatus.OPEN,
            status_note="",
            updated_at=utcnow(),
        )
        db.session.add(outcome)
    return outcome


def _record(actor, thread, kind, before, after, *, note="", authority_id=None):
    change = OutcomeChange(
        thread_id=thread.id, actor_id=actor.id, kind=kind,
        from_value="" if before is None else str(before),
        to_value="" if after is None else str(after), note=note, authority_id=authority_id,
    )  # fmt: skip
    db.session.add(change)
    db.session.flush()
    events.outcome_changed.send(change, thread=thread)
    return change
