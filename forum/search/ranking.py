"""Relevance on SQLite, computed in Python for the few rows a search keeps.

A BM25-like sum over the query's terms of each indexed column's weight times its saturated
count of matching words: the title counts most, then the title's words without their
prefixes, the body, and the body's words without prefixes. There is no IDF: finding how many
posts hold a word costs a scan of its whole doclist, tens of milliseconds for a common word.
Words are counted with str.count over the space-separated columns (C speed: a thousand rows
take a few milliseconds).
"""

WEIGHTS = (8.0, 4.0, 2.0, 1.0)  # forum.search.schema.COLUMNS, in order
SATURATION = 1.2


def score(query, columns, titles_only=False):
    """The relevance of one row, given its indexed columns' text (higher is better)."""
    total = 0.0
    weighted = list(zip(WEIGHTS, columns, strict=True))
    if titles_only:
        weighted = weighted[:2]
    for term in query.terms:
        # A word begins after a space; an exact word also ends before one.
        needles = [f" {form}" if term.prefix else f" {form} " for form in term.forms]
        for weight, column in weighted:
            if not column:
                continue
            padded = f" {column} "
            count = sum(padded.count(needle) for needle in needles)
            if count:
                total += weight * count / (count + SATURATION)
    return total
