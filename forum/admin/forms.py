"""Administration forms: shape and length only; the actions check the rules."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)
from wtforms.widgets import CheckboxInput, ListWidget

from forum.admin.actions import SLUG
from forum.forms import Form
from forum.i18n import pick
from forum.models import AUTHORITY_KINDS, BOARD_ACCESS, GOVERNORATES
from forum.models.boards import BOARD_POSTING
from forum.names import visible

REGISTRATION_LABELS = {
    "open": _l("Open: anyone may create an account"),
    "domains": _l("Only addresses at the allowed domains"),
    "invitation": _l("By invitation only"),
    "approval": _l("Open, but an administrator approves each new account"),
}

ROLE_LABELS = {
    "member": _l("Member"),
    "analyst": _l("Analyst (reads the reports)"),
    "moderator": _l("Moderator"),
    "admin": _l("Administrator"),
}


def _required():
    return DataRequired(message=_l("This field is required."))


def _required_number():
    # DataRequired would refuse 0, a valid threshold.
    return InputRequired(message=_l("This field is required."))


def _max(length):
    return Length(max=length, message=_l("At most %(max)d characters."))


def _choices(labels):
    return [SelectChoice(key, label) for key, label in labels.items()]


def _governorates():
    # A callable: the labels are picked in the reader's language when the form is shown.
    return [SelectChoice(key, pick(ar, en)) for key, (ar, en) in GOVERNORATES.items()]


def _slug_field():
    return StringField(
        _l("Slug (in addresses)"),
        filters=[visible],
        validators=[
            _required(),
            _max(80),
            Regexp(SLUG, message=_l("Use lower-case Latin letters, digits and single hyphens.")),
        ],
    )


class AuthorityForm(Form):
    name_ar = StringField(_l("Arabic name"), validators=[_required(), _max(200)])
    name_en = StringField(_l("English name"), validators=[_required(), _max(200)])
    kind = SelectField(_l("Kind"), choices=_choices(AUTHORITY_KINDS))
    governorate = SelectField(_l("Governorate"), choices=_governorates)


class BoardForm(Form):
    """The slug is set once, when the board is created: addresses must keep working."""

    slug = _slug_field()
    name_ar = StringField(_l("Arabic name"), validators=[_required(), _max(200)])
    name_en = StringField(_l("English name"), validators=[_required(), _max(200)])
    description_ar = TextAreaField(_l("Arabic description"), validators=[_max(2000)])
    description_en = TextAreaField(_l("English description"), validators=[_max(2000)])
    position = IntegerField(
        _l("Position"),
        validators=[Optional(), NumberRange(min=0, max=10_000, message=_l("Out of range."))],
    )
    access = SelectField(_l("Who may read it"), choices=_choices(BOARD_ACCESS))
    task_force_id = SelectField(_l("Task force"), coerce=int, default=0)
    posting = SelectField(_l("Who may post"), choices=_choices(BOARD_POSTING))
    threads_need_approval = BooleanField(_l("New threads wait for a moderator's approval"),
                                         default=True)  # fmt: skip
    replies_need_approval = BooleanField(_l("Replies wait for a moderator's approval"))
    trust_threshold = IntegerField(
        _l("Trust threshold"),
        default=3,
        validators=[
            _required_number(),
            NumberRange(min=0, max=1000, message=_l("Out of range.")),
        ],
    )
    flag_threshold = IntegerField(
        _l("Flag threshold"),
        default=3,
        validators=[
            _required_number(),
            NumberRange(min=0, max=1000, message=_l("Out of range.")),
        ],
    )


class TaskForceForm(Form):
    slug = _slug_field()
    name_ar = StringField(_l("Arabic name"), validators=[_required(), _max(200)])
    name_en = StringField(_l("English name"), validators=[_required(), _max(200)])
    purpose_ar = TextAreaField(_l("Arabic purpose"), validators=[_max(2000)])
    purpose_en = TextAreaField(_l("English purpose"), validators=[_max(2000)])


class MemberForm(Form):
    email = EmailField(
        _l("Email"),
        validators=[_required(), _max(254),
                    Email(message=_l("Enter a valid email address."), check_deliverability=False)],
    )  # fmt: skip
    authority_id = SelectField(_l("Local authority represented"), coerce=int, default=0)


class UserAccessForm(Form):
    role = SelectField(_l("Role"), choices=_choices(ROLE_LABELS))
    moderates_all_boards = BooleanField(_l("Moderates every board"))
    boards = SelectMultipleField(
        _l("Boards moderated"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


class SuspendForm(Form):
    reason = TextAreaField(_l("Reason"), validators=[_required(), _max(500)])
    until = DateField(_l("Suspended until (optional)"), validators=[Optional()])


class ConfirmForm(Form):
    """Only the CSRF token, for buttons that change something."""


class RegistrationForm(Form):
    registration_policy = SelectField(_l("Who may create an account"),
                                      choices=_choices(REGISTRATION_LABELS))  # fmt: skip
    allowed_domains = TextAreaField(_l("Allowed domains"), validators=[_max(5000)])


class InvitationForm(Form):
    email = EmailField(
        _l("Email (optional)"),
        validators=[Optional(), Email(message=_l("Enter a valid email address."),
                                      check_deliverability=False), _max(254)],
    )  # fmt: skip
    note = StringField(_l("Note (for the administrators)"), validators=[_max(200)])
    days = IntegerField(
        _l("Valid for (days)"),
        default=14,
        validators=[_required_number(),
                    NumberRange(min=1, max=90, message=_l("Between %(min)s and %(max)s."))],
    )  # fmt: skip
