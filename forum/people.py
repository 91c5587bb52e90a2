"""How members are shown: generated avatars (initials on a colour chosen by the member's id,
nothing uploaded), names isolated from the text around them, and staff badges."""

from functools import lru_cache

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

# As many colours as forum.css has .avatar-N classes; each carries white text at AA contrast.
COLOURS = 8
SIZES = ("small", "medium", "large")


def initials(name):
    """Up to two letters for a Latin name ("Yousef Haddad" → "YH"), the first letter for
    others: Arabic letters shown apart lose their joined forms, so one letter reads best."""
    words = [word for word in (name or "").split() if word[:1].isalpha()]
    if not words:
        return "?"
    first = words[0][0]
    if not first.isascii():
        return first
    last = words[-1][0] if len(words) > 1 and words[-1][0].isascii() else ""
    return (first + last).upper()


def colour(user_id):
    """A colour number that stays the member's own when their name changes."""
    return (user_id or 0) * 5 % COLOURS


@lru_cache(maxsize=4096)
def avatar(user_id, name, size="medium"):
    """The avatar as markup; decorative (aria-hidden), since the name is always beside it."""
    size_class = "" if size == "medium" else f" avatar-{size}"
    return Markup('<span class="avatar avatar-{}{}" aria-hidden="true">{}</span>').format(
        colour(user_id), Markup(size_class), initials(name)
    )


def bdi(name):
    """A name isolated from the text around it, so that "by سلمى" reads in order in English."""
    return Markup("<bdi>{}</bdi>").format(escape(name))


STAFF_BADGES = {"moderator": _l("Moderator"), "admin": _l("Administrator")}


def staff_badge(role):
    """A moderator's or administrator's badge beside their name; nothing for a member."""
    label = STAFF_BADGES.get(role)
    if label is None:
        return ""
    return Markup('<span class="badge badge-staff badge-{}">{}</span>').format(role, str(label))
