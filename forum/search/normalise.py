"""Arabic-aware text normalisation, applied identically to what is indexed and to queries.

Arabic is typed many ways: with or without diacritics (tashkeel) and tatweel, with any of the
alef forms, taa marbuta written as haa, hamza on or off its carrier, Arabic-Indic or ASCII
digits. Every form folds here to one spelling, so that each finds the others. Attached
prefixes (the article ال, the conjunctions و and ف, the prepositions ب، ل and ك, and their
combinations) are a second layer: `variants` gives a word without them, and the index keeps
both forms (forum.search.index), so "البلدية", "بلدية" and "وللبلدية" find each other.
"""

import re
import unicodedata

# Folded after NFKD has split hamza and madda off their letters (أ → ا + U+0654), which the
# mark stripping below then drops: أ إ آ ؤ ئ need no entry of their own.
_FOLD = str.maketrans(
    {
        "ٱ": "ا",  # alef wasla
        "ى": "ي",  # alef maqsura
        "ة": "ه",  # taa marbuta
        "ـ": None,  # tatweel
        **{chr(0x0660 + digit): str(digit) for digit in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + digit): str(digit) for digit in range(10)},  # Persian digits
    }
)
# A token is a run of letters and digits; everything else (punctuation, symbols, the
# underscore, NUL) separates tokens. SQLite's unicode61 tokenizer splits the same way.
_TOKEN = re.compile(r"[^\W_]+")
# Attached prefixes, longest first; a prefix is removed only when what stays is long enough
# to be a word of its own, so that "بلد" is not read as ب + "لد".
PREFIXES = (
    "وبال", "وكال", "وفال", "ولل", "وال", "فال", "بال", "كال", "فلل", "لل", "ال",
    "وب", "ول", "وك", "فب", "فل", "و", "ف", "ب", "ل", "ك",
)  # fmt: skip
MIN_STEM = 3  # letters left after a prefix of two or more letters
MIN_STEM_AFTER_LETTER = 3  # letters left after a one-letter prefix
MAX_TOKEN = 64  # longer runs (a pasted hash, a URL's path) are cut: no one types them


def normalise(text):
    """The text folded to one spelling: NFKC, no diacritics or tatweel, one alef, one yaa,
    taa marbuta as haa, ASCII digits, case-folded."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(char for char in text if not unicodedata.combining(char))
    return unicodedata.normalize("NFKC", text).translate(_FOLD).casefold()


def tokens(text):
    """The normalised words of a text, in order."""
    return [token[:MAX_TOKEN] for token in _TOKEN.findall(normalise(text))]


def variants(token):
    """The forms of a normalised token without its attached prefixes (not the token itself),
    longest prefix first: "وللبلديه" → ["بلديه", "لبلديه", "للبلديه"] (all that apply)."""
    found = []
    for prefix in PREFIXES:
        if not token.startswith(prefix):
            continue
        stem = token[len(prefix) :]
        least = MIN_STEM_AFTER_LETTER if len(prefix) == 1 else MIN_STEM
        if len(stem) >= least and _is_arabic(stem) and stem not in found:
            found.append(stem)
    return found


def _is_arabic(word):
    return "\u0600" <= word[0] <= "\u06ff"
