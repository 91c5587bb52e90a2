"""`flask forum backup` and `flask forum restore`: the record comes back exactly."""

import pytest
from sqlalchemy import select

from forum import changes
from forum.extensions import db
from forum.models import Post, Thread
from tests.factories import make_person, make_reply, make_thread


def _every_row():
    """Each table's rows, in primary-key order."""
    tables = {}
    for table in db.metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        tables[table.name] = [
            tuple(row) for row in db.session.execute(select(table).order_by(*order))
        ]
    return tables


@pytest.mark.committed
def test_a_backup_restores_every_table_exactly(app, tmp_path):
    runner = app.test_cli_runner()
    backup_file = tmp_path / "forum.backup"
    with app.app_context():
        author = make_person()
        thread = make_thread(author.id, title="قبل النسخة")
        make_reply(author.id, thread, body="رد محفوظ")
        thread_id = thread.id
        before = _every_row()
    result = runner.invoke(args=["forum", "backup", str(backup_file)])
    assert result.exit_code == 0, result.output
    assert backup_file.stat().st_size > 0

    with app.app_context():
        changed = db.session.get(Thread, thread_id)
        changed.title = "بعد النسخة"
        make_reply(author.id, changed, body="رد بعد النسخة")
        make_person()
        db.session.commit()
        assert _every_row() != before
        version_before_restore = changes.head_version()

    result = runner.invoke(args=["forum", "restore", "--yes", str(backup_file)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        after = _every_row()
        # The page caches are told: the log goes on past what the workers read before.
        assert changes.head_version() > version_before_restore
        assert db.session.scalar(select(Thread.title).where(Thread.id == thread_id)) == "قبل النسخة"
        assert db.session.scalar(select(Post.id).where(Post.body_source == "رد بعد النسخة")) is None
    # Every table as it was, but for the change log entry of the restoration itself.
    for name in ("site_state", "page_changes"):
        before.pop(name, None), after.pop(name, None)
    assert after == before


def test_a_backup_never_overwrites_a_file(app, runner, tmp_path):
    existing = tmp_path / "kept"
    existing.write_text("keep me")
    result = runner.invoke(args=["forum", "backup", str(existing)])
    assert result.exit_code != 0
    assert "exists already" in result.output
    assert existing.read_text() == "keep me"
