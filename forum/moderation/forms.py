"""Moderation and flag forms: shape and length only."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, Optional, ValidationError

from forum.forms import Form
from forum.models import FLAG_REASONS
from forum.moderation.log import ACTIONS, REJECTION_REASONS
from forum.threads.forms import EditPostForm

REASON_LENGTH = 1000
OTHER = "other"


def _reason_choices():
    choices = [SelectChoice(key, label) for key, label in REJECTION_REASONS.items()]
    return choices + [SelectChoice(OTHER, _l("Another reason (write it below)"))]


class _Reasoned:
    """A reason picked from the list, or written when "other" is picked."""

    def reason_value(self):
        if self.reason.data == OTHER:
            return (self.reason_text.data or "").strip()
        return self.reason.data

    def _check_written(self, needed):
        if needed and self.reason.data == OTHER and not (self.reason_text.data or "").strip():
            self.reason_text.errors.append(_l("Write the reason."))
            return False
        return True


class RejectForm(_Reasoned, Form):
    reason = SelectField(_l("Reason"), choices=_reason_choices(), default="off_topic")
    reason_text = TextAreaField(
        _l("The reason in your words"), validators=[Optional(), Length(max=REASON_LENGTH)]
    )
    next = HiddenField()
    submit = SubmitField(_l("Reject"))

    def validate(self, extra_validators=None):
        return super().validate(extra_validators) and self._check_written(True)


class QueueForm(_Reasoned, Form):
    """The whole queue page: tick items, then approve or reject them together; or approve one."""

    items = SelectMultipleField(_l("Selected"), validate_choice=False)
    approve_one = StringField()
    reason = SelectField(_l("Reason for rejecting"), choices=_reason_choices(),
                         default="off_topic")  # fmt: skip
    reason_text = TextAreaField(
        _l("The reason in your words"), validators=[Optional(), Length(max=REASON_LENGTH)]
    )
    next = HiddenField()
    approve = SubmitField(_l("Approve selected"))
    reject = SubmitField(_l("Reject selected"))

    def validate(self, extra_validators=None):
        return super().validate(extra_validators) and self._check_written(self.reject.data)


class ApproveEditForm(EditPostForm):
    submit = SubmitField(_l("Save and approve"))


class FlagEditForm(EditPostForm):
    reason = StringField(_l("Note for the log (optional)"),
                         validators=[Optional(), Length(max=REASON_LENGTH)])  # fmt: skip
    submit = SubmitField(_l("Save and close the flags"))


class ReasonForm(Form):
    """A moderator's button with an optional note that goes to the log."""

    reason = StringField(_l("Note for the log (optional)"),
                         validators=[Optional(), Length(max=REASON_LENGTH)])  # fmt: skip
    next = HiddenField()


class ResolveFlagsForm(ReasonForm):
    keep = SubmitField(_l("Keep the post"))
    hide = SubmitField(_l("Hide the post"))


class MoveForm(ReasonForm):
    board = SelectField(_l("Move to"), coerce=int)
    submit = SubmitField(_l("Move the thread"))


class FlagForm(Form):
    reason = SelectField(
        _l("What is wrong with this post?"),
        choices=[SelectChoice(key, label) for key, label in FLAG_REASONS.items()],
    )
    # No Optional(): it would stop the chain before validate_text sees an empty "other".
    text = TextAreaField(_l("Tell the moderators more"), validators=[Length(max=REASON_LENGTH)])
    submit = SubmitField(_l("Send to the moderators"))

    def validate_text(self, field):
        if self.reason.data == OTHER and not (field.data or "").strip():
            raise ValidationError(_l("Say what is wrong."))


class LogFilterForm(Form):
    """The log's filters, sent with GET: nothing changes, so no CSRF token."""

    class Meta:
        csrf = False

    board = SelectField(_l("Board"), coerce=int, validate_choice=False, default=0)
    moderator = SelectField(_l("Moderator"), coerce=int, validate_choice=False, default=0)
    action = SelectField(
        _l("Action"),
        choices=[SelectChoice("", _l("All actions"))]
        + [SelectChoice(key, label) for key, label in ACTIONS.items()],
        validate_choice=False,
        default="",
    )
