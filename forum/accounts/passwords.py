"""What a new password must be: long enough, and not one of the most common passwords.

The list (forum/data/common-passwords.txt.gz, its origin in forum/data/README.md) is read
once per worker. Passwords are never logged or kept anywhere but as their hash.
"""

import gzip
from functools import lru_cache
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

COMMON_PASSWORDS = Path(__file__).parent.parent / "data" / "common-passwords.txt.gz"
MAX_LENGTH = 200


@lru_cache(maxsize=1)
def common_passwords():
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def is_common(password):
    return password.strip().lower() in common_passwords()


def min_length():
    return current_app.config["PASSWORD_MIN_LENGTH"]


class NewPassword:
    """The form validator of a password being chosen (registration, reset, change)."""

    def __call__(self, form, field):
        password = field.data or ""
        if len(password) < min_length() or len(password) > MAX_LENGTH:
            raise ValidationError(
                _l("Use %(min)d to %(max)d characters.", min=min_length(), max=MAX_LENGTH)
            )
        if is_common(password):
            raise ValidationError(
                _l("This password is among the most common ones and easy to guess. Choose another.")
            )
