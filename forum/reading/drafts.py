"""Texts kept when sending them fails: an ended session or an old form token must not lose
what a member typed.

A form whose view is marked `resends_expired_form` is shown again, with its text and a
message asking to send it again, when its token is refused (forum.errors runs the view
again, whose form then fails on the token alone). A POST that arrives after the member's
session ended goes to the login page, but its text is kept first as a Draft for the member
the session belonged to (the session is signed, so it says whose it was even once it no
longer logs them in); back on the form after logging in, the text is there.
"""

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _

from forum.extensions import db
from forum.reading import actions

# Set in the session at logout: a form sent afterwards from a tab left open is still hers.
LAST_MEMBER = "last_member"


def resends_expired_form(view):
    """Mark a view that shows its form again when the form's token is refused."""
    view.resends_expired_form = True
    return view


def sent_from_here():
    """Whether the browser says the form was sent from one of our pages. A form posted from
    another site (a forged request) must not put its text in a member's form or drafts; a
    browser sends Origin with every POST (Referer when it does not), and a request with
    neither is a script's or a test's, not a forgery by a page."""
    origin = request.headers.get("Origin") or request.referrer
    if not origin:
        return True
    found = urlsplit(origin)
    return (found.scheme, found.netloc) == (request.scheme, request.host)


def session_member_id():
    """The member this browser's session belonged to, logged in or not any more: its
    session ended (logged out everywhere, suspended, a new password) or she logged out."""
    claimed = str(session.get("_user_id") or "").partition(".")[0]
    if claimed.isdigit():
        return int(claimed)
    last = session.get(LAST_MEMBER)
    return last if isinstance(last, int) else None


def log_in_keeping_text(**place):
    """For a form sent without a logged-in member: keep its text for the member the session
    belonged to, and send her to log in, then back to the form (a GET of the same address).
    `place` says which form: thread_id (a reply, with parent_id) or board_id (a new thread)."""
    if request.method != "POST":
        return current_app.login_manager.unauthorized()
    owner = session_member_id()
    body = request.form.get("body") or ""
    known_form = place.get("thread_id") is not None or place.get("board_id") is not None
    if owner is not None and known_form and body.strip() and sent_from_here():
        actions.keep_draft(owner, title=request.form.get("title", ""),
                           kind=request.form.get("kind", ""), body=body, **place)  # fmt: skip
        db.session.commit()
        flash(_("Your session had ended. Log in again: your text was kept and will be back in "
                "the form."), "info")  # fmt: skip
    else:
        flash(_("Please log in to see this page."), "info")
    here = request.full_path if request.query_string else request.path
    return redirect(url_for("accounts.login", next=here))
