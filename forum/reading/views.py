"""Opening a thread where the member stopped reading."""

from flask import Blueprint, redirect, url_for
from flask_login import current_user

from forum import permissions
from forum.reading import queries
from forum.threads.queries import get_thread

bp = Blueprint("reading", __name__)


@bp.get("/t/<int:thread_id>/unread")
def first_unread(thread_id):
    """The first post new to the member (through its permalink, which finds its page); the
    thread's start for a visitor, or when nothing is new."""
    thread = get_thread(thread_id)
    permissions.require(permissions.can_read_thread(thread))
    post_id = (
        queries.first_unread_post_id(thread, current_user)
        if queries.is_member(current_user)
        else None
    )
    if post_id is None:
        return redirect(url_for("threads.show_thread", thread_id=thread.id))
    return redirect(url_for("threads.show_post", post_id=post_id))
