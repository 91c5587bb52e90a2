"""SQL the reports need that the databases write differently: the seconds between two
times, and the median of a grouped value (by window functions, which both support)."""

from sqlalchemy import Float, Integer, func, or_, select
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


class month_key(FunctionElement):  # noqa: N801 (an SQL function, named like func.*)
    """A time's month as the integer yyyymm, on both databases (on SQLite one strftime per
    row, not two: the reports compute it for tens of thousands of rows)."""

    type = Integer()
    name = "month_key"
    inherit_cache = True


@compiles(month_key)
def _month_key_postgresql(element, compiler, **kw):
    (moment,) = list(element.clauses)
    moment = compiler.process(moment, **kw)
    return f"CAST(EXTRACT(YEAR FROM {moment}) * 100 + EXTRACT(MONTH FROM {moment}) AS INTEGER)"


@compiles(month_key, "sqlite")
def _month_key_sqlite(element, compiler, **kw):
    (moment,) = list(element.clauses)
    return f"CAST(strftime('%Y%m', {compiler.process(moment, **kw)}) AS INTEGER)"


def medians(key, value, where, *froms):
    """SELECT key, median(value) … GROUP BY key: the middle row (or the mean of the middle
    two) of each group, numbered by a window function."""
    numbered = (
        select(
            key.label("key"),
            value.label("value"),
            func.row_number().over(partition_by=key, order_by=value).label("place"),
            # The same window as the place, over the whole partition: one sort, not two.
            func.count().over(partition_by=key, order_by=value, rows=(None, None)).label("size"),
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
