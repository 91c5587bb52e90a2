"""`flask forum search …`: the search index."""

import click
from flask.cli import AppGroup

from forum.extensions import db
from forum.search import index

search_cli = AppGroup("search", help="The full-text search index.")


@search_cli.command("reindex")
def reindex_command():
    """Rebuild the index from every post (after writes made outside the application)."""
    connection = db.session.connection()
    total = index.count_posts(connection)
    with click.progressbar(length=total, label="Indexing posts") as bar:
        index.rebuild(connection, progress=bar.update)
    db.session.commit()
    click.echo(f"Indexed {total:,} posts.")
