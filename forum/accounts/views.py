"""Register, log in and out, profiles and personal settings."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from wtforms import SelectChoice

from forum import cache, permissions
from forum.accounts import actions, queries
from forum.accounts.forms import LoginForm, PasswordForm, RegisterForm, SettingsForm
from forum.extensions import db
from forum.i18n import current_language
from forum.models.base import PROFILES, scope
from forum.site.safety import safe_next_url

bp = Blueprint("accounts", __name__)

RECENT_POSTS = 10


def _authority_choices():
    choices = [SelectChoice(a.id, a.name) for a in queries.local_authorities()]
    return [SelectChoice(0, _("— Choose your local authority —"))] + choices


@bp.route("/auth/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("boards.home"))
    form = RegisterForm()
    form.authority_id.choices = _authority_choices()
    if form.validate_on_submit():
        authority = queries.get_authority(form.authority_id.data or 0)
        try:
            user = actions.register_user(
                form.email.data,
                form.display_name.data,
                form.password.data,
                authority=authority,
                job_title=form.job_title.data,
                language=current_language(),
            )
        except actions.AccountError as error:
            getattr(form, error.field).errors.append(str(error))
        else:
            db.session.commit()
            login_user(user)
            flash(_("Welcome to Tabadul!"), "success")
            return redirect(url_for("boards.home"))
    return render_template("accounts/register.html", form=form), 200 if not form.errors else 422


@bp.route("/auth/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("boards.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = actions.authenticate(form.email.data, form.password.data)
        if user is None or not user.active:
            form.form_errors.append(_("Wrong email or password."))
        elif user.is_suspended:
            form.form_errors.append(_suspension_message(user))
        else:
            login_user(user, remember=form.remember.data)
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


@bp.post("/auth/logout")
def logout():
    logout_user()
    return redirect(url_for("boards.home"))


@bp.get("/u/<int:user_id>")
def profile(user_id):
    user = queries.get_user(user_id)
    permissions.require(permissions.can_view_profile(user))
    cache.depends_on(scope("posts-by", user.id), PROFILES)  # the list of their posts
    recent = queries.recent_posts(user, current_user, limit=RECENT_POSTS)
    return render_template("accounts/profile.html", user=user, recent=recent)


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
            actions.change_password(current_user, form.new_password.data)
            db.session.commit()
            login_user(current_user._get_current_object())
            flash(_("Your password was changed."), "success")
            return redirect(url_for("accounts.settings"))
        form.current_password.errors.append(_("The current password is wrong."))
    return _settings_page(SettingsForm(obj=current_user), form)


def _settings_page(settings_form, password_form):
    status = 422 if settings_form.errors or password_form.errors else 200
    page = render_template(
        "accounts/settings.html", form=settings_form, password_form=password_form
    )
    return page, status
