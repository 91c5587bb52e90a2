"""Register, confirm an address, log in and out, reset a password, profiles and settings."""

import logging

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from forum import cache, limits, permissions
from forum.accounts import actions, queries, sessions, tokens
from forum.accounts.forms import (
    ButtonForm,
    LoginForm,
    PasswordForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
    SettingsForm,
)
from forum.extensions import db
from forum.i18n import current_language
from forum.models.base import PROFILES, scope
from forum.reading.drafts import LAST_MEMBER
from forum.site.safety import safe_next_url

bp = Blueprint("accounts", __name__)
# Failed logins are logged (the address tried and the client's), for an administrator or a
# tool such as fail2ban to read; a password never is.
log = logging.getLogger(__name__)

RECENT_POSTS = 10


def _authority_choices():
    choices = [SelectChoice(a.id, a.name) for a in queries.local_authorities()]
    return [SelectChoice(0, _("— Choose your local authority —"))] + choices


@bp.route("/auth/register", methods=["GET", "POST"])
@limits.apply(limits.registration)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("boards.home"))
    settings = queries.registration_settings()
    form = RegisterForm()
    if request.method == "GET":
        form.invite.data = request.args.get("invite", "")
    invitation = queries.find_invitation(form.invite.data)
    if invitation is not None and not invitation.is_usable:
        invitation = None
    if settings.registration_policy == "invitation" and not (invitation and invitation.is_usable):
        # Without a valid invitation there is no form to fill in, only the explanation.
        return render_template("accounts/register.html", form=None, settings=settings), 403
    form.authority_id.choices = _authority_choices()
    if form.validate_on_submit():
        authority = queries.get_authority(form.authority_id.data or 0)
        try:
            actions.sign_up(
                form.email.data, form.display_name.data, form.password.data,
                settings=settings, invitation=invitation, authority=authority,
                job_title=form.job_title.data, language=current_language(),
            )  # fmt: skip
        except actions.AccountError as error:
            getattr(form, error.field).errors.append(str(error))
        else:
            db.session.commit()
            # The same page whether the address was new or already had an account.
            waits = invitation is None and settings.registration_policy == "approval"
            return render_template("accounts/registered.html", email=form.email.data,
                                   waits_for_approval=waits)  # fmt: skip
    status = 200 if not form.errors else 422
    page = render_template(
        "accounts/register.html", form=form, settings=settings, invitation=invitation
    )
    return page, status


@bp.get("/auth/verify/<token>")
def verify_email(token):
    """The link mailed to a new address: confirms it, whoever opens it."""
    try:
        user = tokens.read_verification(token, queries.get_user)
    except tokens.TokenError as error:
        message = (_("This link has expired.") if error.expired
                   else _("This link is not valid."))  # fmt: skip
        return render_template("accounts/link_failed.html", message=message), 404
    actions.verify_email(user)
    db.session.commit()
    flash(_("Thank you: your address is confirmed."), "success")
    if current_user.is_authenticated:
        return redirect(url_for("boards.home"))
    return redirect(url_for("accounts.login"))


@bp.post("/auth/verify/resend")
@login_required
@limits.apply(limits.verify_resend)
def resend_verification():
    if ButtonForm().validate_on_submit() and not current_user.is_verified:
        actions.send_verification(current_user)
        db.session.commit()
        flash(_("We sent a new link to %(email)s.", email=current_user.email), "success")
    return redirect(safe_next_url(request.form.get("next")) or url_for("accounts.settings"))


@bp.route("/auth/login", methods=["GET", "POST"])
@limits.apply(limits.login)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("boards.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = actions.authenticate(form.email.data, form.password.data)
        if user is None or not user.active or user.approval == "refused":
            log.warning("failed login for %r from %s", form.email.data, limits.by_address())
            form.form_errors.append(_("Wrong email or password."))
        elif user.is_suspended:
            form.form_errors.append(_suspension_message(user))
        elif user.approval == "pending":
            form.form_errors.append(
                _("Your account is waiting for an administrator's approval. You will get a "
                  "mail once it is approved.")
            )  # fmt: skip
        else:
            sessions.log_in(user, remember=form.remember.data)
            db.session.commit()
            return redirect(safe_next_url(request.args.get("next")) or url_for("boards.home"))
    status = 200 if not form.errors and not form.form_errors else 422
    return render_template("accounts/login.html", form=form), status


def _suspension_message(user):
    if user.suspended_until:
        message = _(
            "Your account is suspended until %(date)s.",
            date=format_datetime(user.suspended_until, "medium"),
        )
    else:
        message = _("Your account is suspended.")
    if user.suspension_reason:
        message += " " + _("Reason: %(reason)s", reason=user.suspension_reason)
    return message


@bp.route("/auth/logout", methods=["GET", "POST"])
def logout():
    """A POST logs out; a GET (a typed or bookmarked address) asks to confirm with a button,
    since a link must not change state."""
    if not current_user.is_authenticated:
        return redirect(url_for("boards.home"))
    if request.method == "GET":
        return render_template("accounts/logout.html")
    member_id = current_user.id
    sessions.log_out()
    db.session.commit()
    # A form sent afterwards from a tab left open keeps its text for her (forum.reading.drafts).
    session[LAST_MEMBER] = member_id  # CSRFProtect has checked the form's token
    return redirect(url_for("boards.home"))


@bp.route("/auth/reset", methods=["GET", "POST"])
@limits.apply(limits.password_reset)
def request_reset():
    """Ask for a reset link; the answer is the same whether the address has an account."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        actions.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("accounts/reset_sent.html", email=form.email.data)
    status = 422 if form.errors else 200
    return render_template("accounts/reset_request.html", form=form), status


@bp.route("/auth/reset/<token>", methods=["GET", "POST"])
@limits.apply(limits.password_reset)
def reset_password(token):
    try:
        user = tokens.read_reset(token, queries.get_user)
    except tokens.TokenError as error:
        message = (
            _("This link has expired. Ask for a new one.")
            if error.expired
            else _("This link is not valid, or it was used already. Ask for a new one.")
        )
        return render_template("accounts/link_failed.html", message=message,
                               ask_again=True), 404  # fmt: skip
    form = ResetPasswordForm()
    if form.validate_on_submit():
        actions.reset_password(user, form.new_password.data)
        if current_user.is_authenticated:
            sessions.log_out()
        db.session.commit()
        flash(_("Your password was changed. You can log in with it now."), "success")
        return redirect(url_for("accounts.login"))
    status = 422 if form.errors else 200
    return render_template("accounts/reset_password.html", form=form), status


@bp.get("/u/<int:user_id>")
def profile(user_id):
    user = queries.get_user(user_id)
    permissions.require(permissions.can_view_profile(user))
    cache.depends_on(scope("posts-by", user.id), PROFILES)  # the list of their posts
    recent = queries.recent_posts(user, current_user, limit=RECENT_POSTS)
    unpublished = queries.unpublished_threads(user, current_user, limit=RECENT_POSTS)
    return render_template(
        "accounts/profile.html", user=user, recent=recent, unpublished=unpublished
    )


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = SettingsForm(obj=current_user)
    if form.validate_on_submit():
        try:
            actions.update_settings(
                current_user,
                display_name=form.display_name.data,
                job_title=form.job_title.data,
                language=form.language.data,
            )
            actions.describe_self(current_user, gender=form.gender.data,
                                  job_category=form.job_category.data)  # fmt: skip
        except actions.AccountError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Your settings were saved."), "success")
            return redirect(url_for("accounts.settings"))
    return _settings_page(form, PasswordForm(prefix="password"))


@bp.post("/settings/password")
@login_required
def change_password():
    form = PasswordForm(prefix="password")
    if form.validate_on_submit():
        if current_user.check_password(form.current_password.data):
            user = current_user._get_current_object()
            actions.change_password(user, form.new_password.data)
            sessions.log_in(user)
            db.session.commit()
            flash(_("Your password was changed."), "success")
            return redirect(url_for("accounts.settings"))
        form.current_password.errors.append(_("The current password is wrong."))
    return _settings_page(SettingsForm(obj=current_user), form)


@bp.post("/settings/logout-everywhere")
@login_required
def logout_everywhere():
    """End every login of the account, this one included (a lost phone, a shared computer)."""
    if ButtonForm().validate_on_submit():
        sessions.end_all(current_user._get_current_object())
        sessions.log_out()
        db.session.commit()
        flash(_("You were logged out everywhere."), "success")
        return redirect(url_for("accounts.login"))
    flash(_("The form expired; please try again."), "error")
    return redirect(url_for("accounts.settings"))


def _settings_page(settings_form, password_form):
    status = 422 if settings_form.errors or password_form.errors else 200
    page = render_template(
        "accounts/settings.html", form=settings_form, password_form=password_form,
        logins=queries.login_count(current_user),
    )  # fmt: skip
    return page, status
