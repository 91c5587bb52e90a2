"""What a member typed, turned into search terms, and the terms into each engine's syntax.

Nothing the member types reaches an engine as syntax: the text is cut into normalised words
(forum.search.normalise), and the match expression is written here from those words, every
one quoted. Quotes, `*`, `-`, parentheses, NEAR, AND, OR and NOT are punctuation or plain words.
"""

from dataclasses import dataclass

from forum.search import normalise

MAX_QUERY_CHARS = 200  # a longer query is cut here
MAX_TERMS = 8  # and only its first words are searched for
MIN_PREFIX = 2  # a word this long or longer also finds the words it begins


class EmptyQuery(ValueError):
    """The query holds no word to search for (empty, or punctuation only)."""


@dataclass(frozen=True)
class Term:
    word: str
    forms: tuple  # the word and its forms without attached prefixes
    prefix: bool  # whether each form also matches the words it begins

    def matches(self, token, token_forms):
        """Whether a normalised word of a text (with its prefix-less forms) is found by this
        term: what the engines decide, decided again in Python for highlighting."""
        candidates = (token, *token_forms)
        if self.prefix:
            return any(c.startswith(form) for c in candidates for form in self.forms)
        return any(c in self.forms for c in candidates)


@dataclass(frozen=True)
class Query:
    terms: tuple
    truncated: bool  # words past MAX_TERMS (or text past MAX_QUERY_CHARS) were left out

    def fts5(self, titles_only=False, expansions=None):
        """The FTS5 MATCH expression: every term, each in any of its forms. A prefix form
        with a list in `expansions` is written as those words (see forum.search.backends)."""
        expansions = expansions or {}
        groups = []
        for term in self.terms:
            phrases = []
            for form in term.forms:
                words = expansions.get(form) if term.prefix else [form]
                if words is None:
                    phrases.append(f'"{form}"*')
                else:
                    phrases.extend(f'"{word}"' for word in words)
            # A prefix no indexed word begins matches nothing; FTS5 needs a phrase all the same.
            groups.append("(" + (" OR ".join(dict.fromkeys(phrases)) or f'"{term.word}"') + ")")
        expression = " AND ".join(groups)
        if titles_only:
            return "{title title_variants} : (" + expression + ")"
        return expression

    def tsquery(self, titles_only=False):
        """The same as PostgreSQL tsquery input; weights A and B are the title's words."""
        groups = []
        for term in self.terms:
            marks = ("*" if term.prefix else "") + ("AB" if titles_only else "")
            marks = f":{marks}" if marks else ""
            groups.append("(" + " | ".join(f"'{form}'{marks}" for form in term.forms) + ")")
        return " & ".join(groups)


def parse(text):
    """The Query for what was typed; EmptyQuery when there is no word in it."""
    text = (text or "")[: MAX_QUERY_CHARS + 1]
    truncated = len(text) > MAX_QUERY_CHARS
    words = []
    for token in normalise.tokens(text[:MAX_QUERY_CHARS]):
        if token not in words:
            words.append(token)
    if not words:
        raise EmptyQuery(text)
    truncated = truncated or len(words) > MAX_TERMS
    terms = tuple(
        Term(word, (word, *normalise.variants(word)), len(word) >= MIN_PREFIX)
        for word in words[:MAX_TERMS]
    )
    return Query(terms, truncated)


def any_of(words):
    """A Query matching any of the words (for similar threads): one term of every form."""
    forms = []
    for word in words:
        for form in (word, *normalise.variants(word)):
            if form not in forms:
                forms.append(form)
    if not forms:
        raise EmptyQuery("")
    return Query((Term(forms[0], tuple(forms), False),), False)
