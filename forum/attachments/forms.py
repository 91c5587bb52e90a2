"""A moderator's removal of one file, and the administrators' settings: shape only."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectChoice, SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from forum.attachments.inspect import TYPES
from forum.forms import Form

MB = 1024 * 1024


class RemoveForm(Form):
    reason = TextAreaField(
        _l("Reason (shown in the moderation log)"),
        validators=[DataRequired(message=_l("This field is required.")), Length(max=1000)],
    )
    submit = SubmitField(_l("Remove the file"))


def _megabytes(label, most):
    return IntegerField(
        label,
        validators=[InputRequired(message=_l("This field is required.")),
                    NumberRange(min=1, max=most, message=_l("Between %(min)s and %(max)s."))],
    )  # fmt: skip


class SettingsForm(Form):
    types = SelectMultipleField(
        _l("Accepted types"),
        choices=[SelectChoice(key, file_type.label) for key, file_type in TYPES.items()],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[DataRequired(message=_l("Choose at least one type."))],
    )
    max_file = _megabytes(_l("Largest file (MB)"), 1024)
    max_post = _megabytes(_l("All the files of one post (MB)"), 4096)
    max_daily = _megabytes(_l("Uploaded by one member in a day (MB)"), 100_000)
    submit = SubmitField(_l("Save"))

    @staticmethod
    def data_from(limits):
        return {
            "types": list(limits.types), "max_file": limits.max_file_bytes // MB,
            "max_post": limits.max_post_bytes // MB, "max_daily": limits.max_daily_bytes // MB,
        }  # fmt: skip

    def limits(self):
        return {
            "types": self.types.data, "max_file_bytes": self.max_file.data * MB,
            "max_post_bytes": self.max_post.data * MB,
            "max_daily_bytes": self.max_daily.data * MB,
        }  # fmt: skip
