"""Tag forms: a tag of the list, the tags of a thread. Shape and length only."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from forum.forms import Form
from forum.models import MAX_TAGS_PER_THREAD


def _required():
    return DataRequired(message=_l("This field is required."))


class TagForm(Form):
    slug = StringField(
        _l("Address"),
        validators=[
            _required(),
            Length(max=60, message=_l("At most %(max)d characters.")),
            Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$",
                   message=_l("Lower-case Latin letters, digits and hyphens only.")),
        ],
    )  # fmt: skip
    name_ar = StringField(
        _l("Arabic name"),
        validators=[_required(), Length(max=80, message=_l("At most %(max)d characters."))],
    )
    name_en = StringField(
        _l("English name"),
        validators=[_required(), Length(max=80, message=_l("At most %(max)d characters."))],
    )
    submit = SubmitField(_l("Save the tag"))


def _at_most_five(form, field):
    if field.data and len(field.data) > MAX_TAGS_PER_THREAD:
        raise ValidationError(_l("Choose at most %(max)d tags.", max=MAX_TAGS_PER_THREAD))


class TagChoiceField(SelectMultipleField):
    """Tags as a list of checkboxes, their choices (id, name) set by the view."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, **kwargs):
        super().__init__(label, coerce=int, validators=[_at_most_five], **kwargs)


class ThreadTagsForm(Form):
    tags = TagChoiceField(_l("Tags"))
    submit = SubmitField(_l("Save the tags"))
