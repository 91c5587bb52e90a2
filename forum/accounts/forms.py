"""Account forms: they check shape only; saving is the actions' job."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from forum.accounts.passwords import NewPassword
from forum.forms import Form
from forum.models import GENDERS, JOB_CATEGORIES
from forum.names import visible


def _required():
    return DataRequired(message=_l("This field is required."))


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[_required()])
    password = PasswordField(_l("Password"), validators=[_required()])
    remember = BooleanField(_l("Keep me logged in"))


class RegisterForm(Form):
    display_name = StringField(
        _l("Display name"),
        filters=[visible],
        validators=[_required(), Length(max=80, message=_l("At most %(max)d characters."))],
    )
    email = EmailField(
        _l("Email"),
        validators=[
            _required(),
            Email(message=_l("Enter a valid email address."), check_deliverability=False),
            Length(max=254, message=_l("At most %(max)d characters.")),
        ],
    )
    authority_id = SelectField(_l("Local authority"), coerce=int, validators=[Optional()])
    job_title = StringField(
        _l("Job title"),
        validators=[Optional(), Length(max=120, message=_l("At most %(max)d characters."))],
    )
    password = PasswordField(_l("Password"), validators=[_required(), NewPassword()])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[_required(), EqualTo("password", message=_l("The passwords do not match."))],
    )
    # The invitation's token, carried from the link (?invite=) through the form.
    invite = HiddenField()


class SettingsForm(Form):
    display_name = StringField(
        _l("Display name"),
        filters=[visible],
        validators=[_required(), Length(max=80, message=_l("At most %(max)d characters."))],
    )
    job_title = StringField(
        _l("Job title"),
        validators=[Optional(), Length(max=120, message=_l("At most %(max)d characters."))],
    )
    language = SelectField(
        _l("Language"),
        choices=[SelectChoice("ar", "العربية"), SelectChoice("en", "English")],
        validators=[_required()],
    )
    # Optional and self-declared (forum.models.GENDERS, JOB_CATEGORIES): "" is not given.
    gender = SelectField(
        _l("Gender"),
        choices=[
            SelectChoice(key, label) for key, label in [("", _l("Not given")), *GENDERS.items()]
        ],
        coerce=lambda value: value or None,
    )
    job_category = SelectField(
        _l("Job category"),
        choices=[
            SelectChoice(key, label)
            for key, label in [("", _l("Not given")), *JOB_CATEGORIES.items()]
        ],
        coerce=lambda value: value or None,
    )


class ResetPasswordForm(Form):
    """A new password, typed twice (the reset link's form; settings add the current one)."""

    new_password = PasswordField(_l("New password"), validators=[_required(), NewPassword()])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            _required(),
            EqualTo("new_password", message=_l("The passwords do not match.")),
        ],
    )


class PasswordForm(ResetPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[_required()])


class ResetRequestForm(Form):
    email = EmailField(
        _l("Email"),
        validators=[
            _required(),
            Email(message=_l("Enter a valid email address."), check_deliverability=False),
            Length(max=254, message=_l("At most %(max)d characters.")),
        ],
    )


class ButtonForm(Form):
    """A form that is only a button (and its CSRF token): resend a link, log out everywhere."""
