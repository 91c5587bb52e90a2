"""The base of the forum's forms: Flask-WTF's, with wtforms' own messages loaded once."""

from functools import lru_cache

from babel import support
from flask import current_app
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path


class Form(FlaskForm):
    """A Flask-WTF form whose built-in messages ("Not a valid choice.") come from wtforms'
    catalog for the reader's language, read from disk once per worker: Flask-WTF reads it
    again on every request that builds a form (about half a millisecond, a tenth of a
    member's thread page)."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return _wtforms_catalog(str(get_locale()))


@lru_cache(maxsize=16)
def _wtforms_catalog(locale):
    return support.Translations.load(messages_path(), [locale], domain="wtforms")
