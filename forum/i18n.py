"""Language choice (Arabic first) and the helpers that pick a localised value."""

from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user


def select_locale():
    """A member's preference, then the visitor's switch, then Accept-Language, then Arabic."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return languages[0]  # a command or a job (mail picks its reader's with force_locale)
    if request.blueprint == "api":  # forum.api: the caller's header first, then the account's
        asked = request.accept_languages.best_match(languages)
        if asked:
            return asked
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    if session.get("language") in languages:
        return session["language"]
    return request.accept_languages.best_match(languages) or languages[0]


def current_language():
    locale = get_locale()
    return locale.language if locale else "ar"


def pick(arabic, english, language=None):
    """The value in the reader's language (or the one given, for a list that looked it up
    once), falling back to the other one when empty."""
    if (language or current_language()) == "en":
        return english or arabic
    return arabic or english


def text_direction():
    return "rtl" if current_language() == "ar" else "ltr"


def mark(message):
    """Mark a string for the catalogs without translating it now (it is translated when shown)."""
    return message
