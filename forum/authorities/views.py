"""The local authorities' pages: all of them by governorate, and one with its figures."""

from flask import Blueprint, render_template
from flask_login import current_user

from forum import permissions
from forum.authorities import queries

bp = Blueprint("authorities", __name__)


@bp.get("/authorities")
def list_authorities():
    governorates = queries.authorities_by_governorate(current_user)
    return render_template("authorities/list.html", governorates=governorates)


@bp.get("/authorities/<int:authority_id>")
def show_authority(authority_id):
    authority = queries.get_authority(authority_id)
    permissions.require(authority is not None)
    figures = queries.figures_by_authority(current_user, authority.id).get(authority.id)
    return render_template(
        "authorities/authority.html",
        authority=authority,
        figures=figures or queries.Figures(),
        members=queries.members_of(authority),
        threads=queries.recent_threads(authority, current_user),
        answered=queries.answered_questions(authority, current_user),
        stories=queries.recent_threads(authority, current_user, kind="success_story"),
        adopted=queries.adopted_stories(authority, current_user),
        task_forces=queries.task_force_memberships(authority),
    )
