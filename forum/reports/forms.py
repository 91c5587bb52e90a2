"""The report's filters: a GET form, read from the address so that a report can be linked."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectChoice, SelectField
from wtforms.validators import Optional

from forum.forms import Form
from forum.i18n import pick
from forum.models import AUTHORITY_KINDS, GOVERNORATES

GROUPING_LABELS = {
    "month": _l("Month"),
    "platform": _l("Platform"),
    "governorate": _l("Governorate"),
    "authority": _l("Local authority"),
}


class ReportForm(Form):
    class Meta:
        csrf = False  # reads only: a report's address is shared and bookmarked

    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("Until"), validators=[Optional()])
    by = SelectField(
        _l("Group by"),
        choices=[SelectChoice(key, label) for key, label in GROUPING_LABELS.items()],
        default="month",
    )
    board = SelectField(
        _l("Platform"), coerce=lambda value: int(value) if value else None, default=""
    )
    governorate = SelectField(_l("Governorate"), default="")
    authority_kind = SelectField(_l("Kind of local authority"), default="")

    def fill_choices(self, boards):
        everything = ("", _l("All"))
        self.board.choices = [everything] + [(board.id, board.name) for board in boards]
        self.governorate.choices = [everything] + [
            (key, pick(*names)) for key, names in GOVERNORATES.items()
        ]
        self.authority_kind.choices = [everything] + list(AUTHORITY_KINDS.items())
