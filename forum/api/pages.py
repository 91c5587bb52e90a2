"""The API's pages for people: the reference at /api/docs and the tokens at /settings/tokens."""

from datetime import datetime, time

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.api import openapi, tokens
from forum.api.forms import TokenForm
from forum.extensions import db
from forum.threads.forms import ConfirmForm

bp = Blueprint("api_pages", __name__)


@bp.get("/api/docs")
def show_reference():
    """Every operation of the OpenAPI document, rendered here (no script, nothing fetched)."""
    return render_template("api/docs.html", document=openapi.document())


@bp.route("/settings/tokens", methods=["GET", "POST"])
@login_required
def show_tokens():
    form = TokenForm()
    secret = None
    if form.validate_on_submit():
        if len(tokens.tokens_of(current_user)) >= tokens.MAX_TOKENS:
            form.name.errors.append(_("You have too many tokens: revoke one first."))
        else:
            expires = form.expires_on.data
            _made, secret = tokens.create_token(
                current_user, name=form.name.data, scopes=form.scopes.data.split(),
                expires_at=datetime.combine(expires, time()) if expires else None,
            )  # fmt: skip
            db.session.commit()
            form = TokenForm(formdata=None)
    status = 422 if form.errors else 200
    page = render_template("api/tokens.html", form=form, secret=secret,
                           tokens=tokens.tokens_of(current_user),
                           revoke_form=ConfirmForm())  # fmt: skip
    return page, status


@bp.post("/settings/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id):
    token = tokens.get_token(token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)  # someone else's token: as if it did not exist
    if not ConfirmForm().validate_on_submit():
        abort(400)
    tokens.revoke_token(current_user, token)
    db.session.commit()
    flash(_("The token was revoked: it opens nothing now."), "success")
    return redirect(url_for("api_pages.show_tokens"))
