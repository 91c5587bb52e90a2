"""Snippets of the original text around the words a search matched, with those words marked.

Computed in Python from the text as written (diacritics and all), the same on both engines:
each written word is normalised and asked whether a term of the query finds it. Everything
but the <mark> elements added here is escaped.
"""

import re
from functools import lru_cache

from markupsafe import Markup, escape

from forum.search import normalise

# A written word: letters and digits with the marks and tatweel written inside them.
_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f\u0610-\u061a\u0640\u064b-\u065f\u0670])+")
_CHUNK = re.compile(r"\S+")  # a snippet starts at a space, never inside a word or an entity
SNIPPET_CHARS = 240
_LEAD_WORDS = 8  # words shown before the first match


@lru_cache(maxsize=65_536)
def _word_forms(word):
    """A written word's normalised tokens, each with its prefix-less forms."""
    return tuple((token, tuple(normalise.variants(token))) for token in normalise.tokens(word))


def _is_match(word, query):
    return any(term.matches(token, forms) for token, forms in _word_forms(word)
               for term in query.terms)  # fmt: skip


def _marked_spans(text, query, start=0, stop=None):
    """The spans of matched words between start and stop (the whole text by default)."""
    stop = len(text) if stop is None else stop
    return [m.span() for m in _WORD.finditer(text, start, stop) if _is_match(m.group(), query)]


def _first_match(text, query):
    for match in _WORD.finditer(text):
        if _is_match(match.group(), query):
            return match.start()
    return None


def _render(text, spans, start, end):
    parts, at = [], start
    for left, right in spans:
        if right <= start or left >= end:
            continue
        left, right = max(left, start), min(right, end)
        parts.append(escape(text[at:left]))
        parts.append(Markup("<mark>%s</mark>") % text[left:right])
        at = right
    parts.append(escape(text[at:end]))
    return Markup("").join(parts)


def highlight(text, query):
    """The whole text (a title), its matched words marked."""
    text = text or ""
    return _render(text, _marked_spans(text, query), 0, len(text))


def snippet(text, query, length=SNIPPET_CHARS):
    """About `length` characters of the text from a little before its first matched word."""
    text = " ".join((text or "").split())
    first = _first_match(text, query)
    start = 0
    if first is not None:
        words = [m.start() for m in _CHUNK.finditer(text, 0, first)]
        start = words[-_LEAD_WORDS] if len(words) >= _LEAD_WORDS else 0
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    body = _render(text, _marked_spans(text, query, start, end), start, end)
    before = Markup("… ") if start > 0 else Markup("")
    after = Markup(" …") if end < len(text) else Markup("")
    return before + body + after
