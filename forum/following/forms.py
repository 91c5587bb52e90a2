"""Following forms: a board's level, the levels of every board at once, and the settings.
They check shape only; saving is the actions' job."""

from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectChoice, SelectField

from forum.forms import Form
from forum.models.following import DIGEST_TIMEZONES, LEVELS, NEW_BOARD_LEVELS

NOT_FOLLOWING = ""  # the choice that stops following (no subscription row)
# Weekdays as Python numbers them (0 is Monday), listed from Saturday, as the week runs here.
WEEK_FROM_SATURDAY = (5, 6, 0, 1, 2, 3, 4)


def level_choices():
    return [SelectChoice(NOT_FOLLOWING, _l("Not following"))] + [
        SelectChoice(level.value, label) for level, label in LEVELS.items()
    ]


class LevelForm(Form):
    """One board's level; "not following" stops following it."""

    level = SelectField(_l("Follow this board"), choices=level_choices)


def board_levels_form(rows, **options):
    """A form with one level field per board (`board-<id>`), from queries.board_levels."""

    class BoardLevelsForm(Form):
        pass

    for board, subscription in rows:
        field = SelectField(
            board.name,
            choices=level_choices,
            default=subscription.level if subscription is not None else NOT_FOLLOWING,
        )
        setattr(BoardLevelsForm, f"board-{board.id}", field)
    return BoardLevelsForm(**options)


def _weekday_choices():
    names = get_day_names("wide", locale=get_locale())
    return [SelectChoice(day, names[day]) for day in WEEK_FROM_SATURDAY]


def _hour_choices():
    return [SelectChoice(hour, f"{hour:02d}:00") for hour in range(24)]


class SettingsForm(Form):
    auto_watch = BooleanField(_l("Watch the threads I start or reply to"))
    new_board_level = SelectField(
        _l("New boards"),
        choices=lambda: (
            [SelectChoice(NOT_FOLLOWING, _l("Do not follow them"))]
            + [SelectChoice(level.value, LEVELS[level]) for level in NEW_BOARD_LEVELS]
        ),
    )
    digest_weekday = SelectField(_l("Day of the weekly digest"), coerce=int)
    digest_hour = SelectField(_l("Hour of the digests"), coerce=int)
    digest_timezone = SelectField(
        _l("Time zone of the digests"), choices=[SelectChoice(z, z) for z in DIGEST_TIMEZONES]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # In the reader's language, which is known only during the request.
        self.digest_weekday.choices = _weekday_choices()
        self.digest_hour.choices = _hour_choices()
