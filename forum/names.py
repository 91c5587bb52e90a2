"""Names and titles as people see them: invisible characters taken out, and the key under
which two display names look the same.

Bidirectional controls reorder what follows them (a title ending "gnp.exe" shows as
"exe.png"), and zero-width and other format characters (Unicode category Cf) show nothing:
both let one name pass for another, or a name look empty. They are stripped from thread titles,
display names and slugs by `visible`, which the forms apply as a filter and the actions again.
"""

import re
import unicodedata

# Not all of category Cf, but shown as nothing all the same.
_BLANK_LETTERS = "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u2800\u3164\uffa0"
_ARABIC_MARKS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # and tatweel
# Letters that look like Latin ones in most fonts, and Arabic letters written two ways.
_CONFUSABLES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
        "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ј": "j", "ԁ": "d",
        "ɡ": "g", "ο": "o", "α": "a", "ν": "v", "ρ": "p", "τ": "t", "ι": "i", "κ": "k",
        "0": "o", "1": "i", "l": "i", "|": "i", "ı": "i",
        "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ة": "ه", "ک": "ك",
        "ؤ": "و", "ئ": "ي",
    }
)  # fmt: skip


def _is_invisible(character):
    return unicodedata.category(character) == "Cf" or character in _BLANK_LETTERS


def visible(text):
    """The text without bidirectional controls, zero-width and other invisible characters,
    with runs of spaces made one and the ends trimmed."""
    if text is None:
        return None
    text = "".join(c for c in text if not _is_invisible(c))
    return " ".join(text.split())


def likeness_key(name):
    """What two display names that look the same have in common: NFKC (compatibility forms,
    full-width letters), letter case, invisible characters, Arabic marks and the two ways of
    writing some Arabic letters, spaces and punctuation, and common look-alike letters."""
    text = unicodedata.normalize("NFKC", visible(name) or "").casefold()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _ARABIC_MARKS.sub("", text).translate(_CONFUSABLES)
    return "".join(c for c in text if c.isalnum())
