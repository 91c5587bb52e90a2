"""The one source of "now": naive UTC datetimes, as stored in every table."""

from datetime import UTC, datetime


def utcnow():
    return datetime.now(UTC).replace(tzinfo=None)
