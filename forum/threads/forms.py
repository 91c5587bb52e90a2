"""Thread and post forms: shape and length only."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from forum.forms import Form
from forum.models.threads import THREAD_KINDS
from forum.names import visible
from forum.tags.forms import TagChoiceField


def _required():
    return DataRequired(message=_l("This field is required."))


class _MaxLength:
    """A length limit read from the configuration when the form is checked."""

    def __init__(self, setting):
        self.setting = setting

    def __call__(self, form, field):
        limit = current_app.config[self.setting]
        if field.data and len(field.data) > limit:
            raise ValidationError(
                _l(
                    "At most %(max)d characters (you wrote %(length)d).",
                    max=limit,
                    length=len(field.data),
                )
            )


class _NotBlank:
    def __call__(self, form, field):
        if not (field.data or "").strip():
            raise ValidationError(_l("This field is required."))


class PostForm(Form):
    body = TextAreaField(
        _l("Message"), validators=[_required(), _NotBlank(), _MaxLength("BODY_MAX_LENGTH")]
    )
    parent_id = HiddenField()
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Post reply"))


class ThreadForm(Form):
    title = StringField(
        _l("Title"),
        filters=[visible],
        validators=[_required(), _NotBlank(), _MaxLength("TITLE_MAX_LENGTH"),
                    Length(min=3, message=_l("At least %(min)d characters."))],
    )  # fmt: skip
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(key, label) for key, label in THREAD_KINDS.items()],
        default="discussion",
    )
    body = TextAreaField(
        _l("Message"), validators=[_required(), _NotBlank(), _MaxLength("BODY_MAX_LENGTH")]
    )
    # Its choices come from the list of tags (forum.tags.queries.tag_choices), set by the view.
    tags = TagChoiceField(_l("Tags (up to 5)"))
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Start the thread"))


class EditPostForm(Form):
    title = StringField(
        _l("Title"),
        filters=[visible],
        validators=[_MaxLength("TITLE_MAX_LENGTH")],
    )
    body = TextAreaField(
        _l("Message"), validators=[_required(), _NotBlank(), _MaxLength("BODY_MAX_LENGTH")]
    )
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Save changes"))


class ConfirmForm(Form):
    """An empty form: just the CSRF token, for buttons that change something."""
