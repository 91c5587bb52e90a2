"""What the site pages read: whether the database answers, for the health check."""

from sqlalchemy import text

from forum.extensions import db


def database_error():
    """None when the database answers a trivial query, else the name of the error."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # any database failure means unhealthy
        return type(error).__name__
    return None
