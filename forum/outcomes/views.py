"""Changing a thread's outcome: accepting an answer, a challenge's status, adoptions."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import permissions
from forum.extensions import db
from forum.models import CHALLENGE_STATUSES
from forum.outcomes import actions, queries
from forum.outcomes.forms import AdoptionForm, ChallengeStatusForm
from forum.threads.queries import get_post, get_thread

bp = Blueprint("outcomes", __name__)
bp.add_app_template_global(CHALLENGE_STATUSES, "challenge_statuses")


@bp.app_template_global()
def thread_outcome(thread):
    """The outcome the thread page shows under the question (forum.outcomes.queries)."""
    return queries.outcome_on_page(thread)


@bp.app_template_global()
def adopted_by_my_authority(thread):
    return queries.authority_adopted(thread, current_user)


@bp.post("/p/<int:post_id>/accept")
@login_required
def accept_answer(post_id):
    post = get_post(post_id)
    permissions.require(post is not None and permissions.can_read_post(post))
    permissions.require(permissions.can_accept_answer(post.thread), hide=False)
    try:
        actions.accept_answer(current_user, post)
    except actions.OutcomeError as error:
        flash(str(error), "error")
        return redirect(url_for("threads.show_post", post_id=post.id))
    db.session.commit()
    flash(_("The reply is marked as the accepted answer."), "success")
    return redirect(url_for("threads.show_post", post_id=post.id))


@bp.post("/t/<int:thread_id>/answer/clear")
@login_required
def clear_answer(thread_id):
    thread = _readable_thread(thread_id)
    permissions.require(permissions.can_accept_answer(thread), hide=False)
    actions.clear_answer(current_user, thread)
    db.session.commit()
    flash(_("The question has no accepted answer now."), "success")
    return redirect(url_for("threads.show_thread", thread_id=thread.id))


@bp.route("/t/<int:thread_id>/status", methods=["GET", "POST"])
@login_required
def set_challenge_status(thread_id):
    thread = _readable_thread(thread_id)
    permissions.require(permissions.can_set_challenge_status(thread), hide=False)
    outcome = thread.outcome
    form = ChallengeStatusForm(
        data={"status": outcome.challenge_status if outcome else "open",
              "note": outcome.status_note if outcome else ""}
    )  # fmt: skip
    if form.validate_on_submit():
        solution = _readable_solution(form)
        if solution is not False:
            try:
                actions.set_challenge_status(
                    current_user, thread, form.status.data, note=form.note.data,
                    solution=solution,
                )  # fmt: skip
            except actions.OutcomeError as error:
                form.solution.errors.append(str(error))
            else:
                db.session.commit()
                flash(_("The challenge's status was saved."), "success")
                return redirect(url_for("threads.show_thread", thread_id=thread.id))
    status = 422 if form.errors else 200
    return render_template("outcomes/status.html", thread=thread, form=form), status


@bp.route("/t/<int:thread_id>/adopt", methods=["GET", "POST"])
@login_required
def adopt_story(thread_id):
    thread = _readable_thread(thread_id)
    permissions.require(permissions.can_adopt_story(thread), hide=False)
    form = AdoptionForm()
    if form.validate_on_submit():
        try:
            actions.adopt_story(
                current_user, thread, note=form.note.data, contact=form.contact.data
            )
        except actions.OutcomeError as error:
            form.note.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Your local authority's adoption was recorded."), "success")
            return redirect(url_for("threads.show_thread", thread_id=thread.id))
    status = 422 if form.errors else 200
    return render_template("outcomes/adopt.html", thread=thread, form=form), status


@bp.post("/adoptions/<int:adoption_id>/withdraw")
@login_required
def withdraw_adoption(adoption_id):
    adoption = queries.get_adoption(adoption_id)
    permissions.require(adoption is not None and permissions.can_read_thread(adoption.thread))
    permissions.require(permissions.can_withdraw_adoption(adoption), hide=False)
    thread_id = adoption.thread_id
    actions.withdraw_adoption(current_user, adoption)
    db.session.commit()
    flash(_("The adoption was withdrawn."), "success")
    return redirect(url_for("threads.show_thread", thread_id=thread_id))


def _readable_thread(thread_id):
    thread = get_thread(thread_id)
    permissions.require(permissions.can_read_thread(thread))
    return thread


def _readable_solution(form):
    """The reply or thread the solution link names, None without one, or False (with the
    field's error) when it names nothing the member may read: 404 would tell them nothing."""
    target = form.solution_target()
    if target is None:
        return None
    kind, number = target
    if kind == "p":
        found = get_post(number)
        readable = found is not None and permissions.can_read_post(found)
    else:
        found = get_thread(number)
        readable = permissions.can_read_thread(found)
    if not readable:
        form.solution.errors.append(_("No reply or thread you can read has this address."))
        return False
    return found
