"""Full-text search over thread titles and post bodies, Arabic-aware, on SQLite or PostgreSQL.

Views call these functions and never learn which engine runs (forum.search.backends): the
engine follows the database. forum.search.index keeps the index in step with every write.
"""

from forum.search.queries import (
    CANDIDATES,
    Filters,
    filter_choices,
    find,
    hits,
    similar_threads,
    suggest_titles,
)
from forum.search.terms import MAX_QUERY_CHARS, MAX_TERMS, EmptyQuery, parse

__all__ = [
    "CANDIDATES", "MAX_QUERY_CHARS", "MAX_TERMS", "EmptyQuery", "Filters", "filter_choices",
    "find", "hits", "parse", "similar_threads", "suggest_titles",
]  # fmt: skip
