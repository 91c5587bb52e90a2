"""`flask forum attachments prune`: uploads never sent, and files no attachment uses."""

import click
from flask.cli import AppGroup

from forum.attachments import actions
from forum.extensions import db

attachments_cli = AppGroup("attachments", help="Files attached to posts.")


@attachments_cli.command("prune")
@click.option("--grace", default=actions.GRACE_SECONDS, show_default=True,
              help="Seconds a stored file is left alone after its upload.")  # fmt: skip
def prune_command(grace):
    """Remove staged uploads never sent with a post, then the files nothing uses."""
    staged = actions.prune()
    db.session.commit()  # the rows first: a file is deleted only once nothing can use it
    files = actions.sweep_blobs(grace)
    click.echo(f"Pruned {staged} staged uploads and {files} stored files.")
