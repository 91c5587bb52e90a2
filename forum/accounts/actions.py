"""Account changes. Actions never commit: the view or command that calls them does."""

from flask_babel import gettext as _

from forum.accounts.queries import find_user_by_email, user_whose_name_looks_like
from forum.extensions import db
from forum.models import ROLES, User
from forum.names import likeness_key, visible


class AccountError(ValueError):
    """A rule about accounts was broken; the message is for the person who broke it, shown
    beside the form's `field`."""

    def __init__(self, message, field="email"):
        super().__init__(message)
        self.field = field


def register_user(
    email, display_name, password, *, authority=None, job_title="", role="member", language="ar"
):
    """Create an account; a taken email (in any letter case) is refused."""
    if role not in ROLES:
        raise AccountError(_("Unknown role."))
    if find_user_by_email(email) is not None:
        raise AccountError(_("An account with this email already exists."))
    display_name = _checked_display_name(display_name, None)
    user = User(
        email=User.normalize_email(email),
        display_name=display_name,
        authority=authority,
        job_title=(job_title or "").strip(),
        role=role,
        language=language,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email, password):
    """The user whose email and password match, or None; a missing user costs the same hash."""
    user = find_user_by_email(email)
    if user is None:
        User(password_hash=_DUMMY_HASH).check_password(password)
        return None
    return user if user.check_password(password) else None


def update_settings(user, *, display_name, job_title, language):
    user.display_name = _checked_display_name(display_name, user)
    user.job_title = (job_title or "").strip()
    user.language = language


def _checked_display_name(display_name, user):
    """The name without invisible characters; refused when nothing is left, or when it looks
    like another member's (a staff member's above all) once normalised."""
    name = visible(display_name)
    if not name:
        raise AccountError(_("The display name must have visible letters."), "display_name")
    if user is not None and likeness_key(name) == likeness_key(user.display_name):
        return name  # their own name, written another way
    if user_whose_name_looks_like(name, other_than=user) is not None:
        raise AccountError(
            _("This display name is too like another member's. Add something that tells you "
              "apart, such as your local authority."),
            "display_name",
        )  # fmt: skip
    return name


def change_password(user, new_password):
    """Set a new password and end the user's other sessions (the caller logs this one back in)."""
    user.set_password(new_password)
    user.end_sessions()


# Checked against when the email is unknown, so that timing does not tell which part was wrong.
_DUMMY_HASH = (
    "scrypt:32768:8:1$dummysaltdummysa$"
    "0bc8c2fce0d3f0b8a0e3a3b3e5c1b0a5f8d3e6a0c7b9e1d2f3a4b5c6d7e8f9a0"
    "b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2"
)
