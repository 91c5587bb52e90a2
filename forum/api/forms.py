"""The token settings' forms: shape only (forum.api.tokens makes and revokes)."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from forum.clock import utcnow
from forum.forms import Form
from forum.names import visible

SCOPE_CHOICES = {"read": _l("Read only"), "read write": _l("Read and write")}


class TokenForm(Form):
    name = StringField(
        _l("Name (what the token is for)"),
        filters=[visible],
        validators=[DataRequired(message=_l("This field is required.")),
                    Length(max=80, message=_l("At most %(max)d characters."))],
    )  # fmt: skip
    scopes = SelectField(
        _l("Access"),
        choices=[SelectChoice(key, label) for key, label in SCOPE_CHOICES.items()],
        default="read",
    )
    expires_on = DateField(_l("Expires on (optional)"), validators=[Optional()])

    def validate_expires_on(self, field):
        if field.data is not None and field.data <= utcnow().date():
            raise ValidationError(_l("Choose a day after today."))
