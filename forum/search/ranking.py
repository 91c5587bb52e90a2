"""Relevance on SQLite, computed in Python for the few rows a search keeps.

A BM25-like sum over the query's terms of each indexed column's weight times its saturated
count of matching words: the title counts most, then the title's words without their
prefixes, the body, and the body's words without prefixes. There is no IDF: finding how many
posts hold a word costs a scan of its whole doclist, tens of milliseconds for a common word.
"""

import re
from functools import lru_cache

WEIGHTS = (8.0, 4.0, 2.0, 1.0)  # forum.search.schema.COLUMNS, in order
SATURATION = 1.2


@lru_cache(maxsize=256)
def _pattern(forms, prefix):
    alternatives = "|".join(re.escape(form) for form in forms)
    end = r"\S*" if prefix else r"(?=\s|$)"
    return re.compile(rf"(?:^|(?<=\s))(?:{alternatives}){end}")


def score(query, columns, titles_only=False):
    """The relevance of one row, given its indexed columns' text (higher is better)."""
    total = 0.0
    weighted = list(zip(WEIGHTS, columns, strict=True))
    if titles_only:
        weighted = weighted[:2]
    for term in query.terms:
        pattern = _pattern(term.forms, term.prefix)
        for weight, column in weighted:
            count = len(pattern.findall(column or ""))
            if count:
                total += weight * count / (count + SATURATION)
    return total
