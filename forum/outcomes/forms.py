"""Outcome forms: a challenge's status, an adoption. Shape and length only."""

import re

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from forum.forms import Form
from forum.models import CHALLENGE_STATUSES

# A link to a reply or a thread of this forum: its address (/p/12, /t/34, with or without the
# host), as members copy it from the address bar.
SOLUTION_ADDRESS = re.compile(r"^\s*(?:https?://[^/\s]+)?/(p|t)/(\d+)(?:[/?#]\S*)?\s*$")


class ChallengeStatusForm(Form):
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(key, label) for key, label in CHALLENGE_STATUSES.items()],
    )
    note = TextAreaField(
        _l("Note (optional)"),
        validators=[Length(max=2000, message=_l("At most %(max)d characters."))],
    )
    solution = StringField(
        _l("Link to the reply or thread that solved it (optional)"),
        validators=[
            Optional(),
            Regexp(SOLUTION_ADDRESS, message=_l("Paste the address of a reply or thread here.")),
        ],
    )
    submit = SubmitField(_l("Save the status"))

    def solution_target(self):
        """("p" or "t", id) from the solution link, or None."""
        found = SOLUTION_ADDRESS.match(self.solution.data or "")
        return (found.group(1), int(found.group(2))) if found else None


class AdoptionForm(Form):
    note = TextAreaField(
        _l("What did your authority do, and when?"),
        validators=[
            DataRequired(message=_l("This field is required.")),
            Length(max=1000, message=_l("At most %(max)d characters.")),
        ],
    )
    contact = StringField(
        _l("Contact for others who want to know more (optional)"),
        validators=[Length(max=200, message=_l("At most %(max)d characters."))],
    )
    submit = SubmitField(_l("Record the adoption"))
