"""SQL the reports need that the databases write differently: the seconds between two
times, and the median of a grouped value (by window functions, which both support)."""

from sqlalchemy import Float, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class seconds_between(FunctionElement):  # noqa: N801 (an SQL function, named like func.*)
    """later − earlier, in seconds, as a float."""

    type = Float()
    name = "seconds_between"
    inherit_cache = True


@compiles(seconds_between)
def _seconds_between_postgresql(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return (
        f"EXTRACT(EPOCH FROM ({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)}))"
    )


@compiles(seconds_between, "sqlite")
def _seconds_between_sqlite(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return (
        f"((julianday({compiler.process(later, **kw)}) - "
        f"julianday({compiler.process(earlier, **kw)})) * 86400.0)"
    )


def month_key(column):
    """A time's month as the number yyyymm, on both databases."""
    return func.extract("year", column) * 100 + func.extract("month", column)


def medians(key, value, where, *froms):
    """SELECT key, median(value) … GROUP BY key: the middle row (or the mean of the middle
    two) of each group, numbered by a window function."""
    numbered = (
        select(
            key.label("key"),
            value.label("value"),
            func.row_number().over(partition_by=key, order_by=value).label("place"),
            func.count().over(partition_by=key).label("size"),
        )
        .select_from(*froms)
        .where(where)
        .subquery()
    )
    middle = or_(
        numbered.c.place == (numbered.c.size + 1) // 2,
        numbered.c.place == (numbered.c.size + 2) // 2,
    )
    return select(numbered.c.key, func.avg(numbered.c.value)).where(middle).group_by(numbered.c.key)
