"""The search form: read from the address (GET), so a search can be linked and bookmarked."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import Optional

from forum.forms import Form

ORDERS = {"relevance": _l("Relevance"), "date": _l("Newest first")}


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class SearchForm(Form):
    """Shape only: the query's words are checked by forum.search.parse."""

    class Meta:
        csrf = False  # a GET form that changes nothing; a token would keep it out of links

    q = StringField(_l("Search for"))
    board = SelectField(_l("Platform"), coerce=_int_or_none, validate_choice=False)
    kind = SelectField(_l("Kind"), validate_choice=False)
    author = StringField(_l("Author"), validators=[Optional()])
    authority = SelectField(_l("Local authority"), coerce=_int_or_none, validate_choice=False)
    since = DateField(_l("From"), validators=[Optional()],
                      render_kw={"type": "date"})  # fmt: skip
    until = DateField(_l("To"), validators=[Optional()], render_kw={"type": "date"})
    order = SelectField(
        _l("Order"),
        choices=[SelectChoice(key, label) for key, label in ORDERS.items()],
        default="relevance",
    )

    def set_choices(self, choices):
        for field, options in ((self.board, choices["boards"]), (self.kind, choices["kinds"]),
                               (self.authority, choices["authorities"])):  # fmt: skip
            field.choices = [SelectChoice("", _l("Any"))] + [
                SelectChoice(value, label) for value, label in options
            ]
