"""The code keeps the shape the style guide asks for: views build no query of their own.

Reads live in each area's queries.py, where they take the reader and apply the policy's
visible_* filters; a view that selected rows itself could show what the policy would hide.
The check reads the source of every views.py, so a new area is covered without a row here.
"""

import ast
from pathlib import Path

import pytest

import forum

VIEW_MODULES = sorted(Path(forum.__file__).parent.glob("*/views.py"))
# A view may end or undo its transaction; everything else on the session is a query.
SESSION_CALLS_ALLOWED = {"commit", "rollback"}


def query_building(source):
    """Where the source builds or runs a query: imports SQLAlchemy, or uses db or a session."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module or ""]
        else:
            modules = []
        found += [
            f"line {node.lineno}: imports {module}"
            for module in modules
            if module == "sqlalchemy" or module.startswith("sqlalchemy.")
        ]
        if not isinstance(node, ast.Attribute):
            continue
        owner = ast.unparse(node.value)
        if owner == "db" and node.attr != "session":
            found.append(f"line {node.lineno}: db.{node.attr}")
        elif owner == "db.session" and node.attr not in SESSION_CALLS_ALLOWED:
            found.append(f"line {node.lineno}: db.session.{node.attr}")
        elif node.attr == "query":  # Flask-SQLAlchemy's legacy Model.query
            found.append(f"line {node.lineno}: {owner}.query")
    return found


def test_every_area_is_checked():
    areas = {path.parent.name for path in VIEW_MODULES}
    assert {"accounts", "admin", "boards", "moderation", "threads", "site"} <= areas


@pytest.mark.parametrize("path", VIEW_MODULES, ids=lambda path: path.parent.name)
def test_views_build_no_queries(path):
    assert query_building(path.read_text()) == [], f"{path}: move the read to queries.py"


@pytest.mark.parametrize(
    "source",
    [
        "from sqlalchemy import select",
        "import sqlalchemy.orm",
        "from sqlalchemy.orm import joinedload",
        "db.session.get(Thread, 1)",
        "db.session.scalars(query).all()",
        "db.session.execute(query)",
        "db.get_or_404(Thread, 1)",
        "Thread.query.get(1)",
    ],
)
def test_the_check_sees_a_query(source):
    """Positive control: each of these would slip a query into a view."""
    assert query_building(source) != []


def test_the_check_allows_ending_a_transaction():
    assert query_building("db.session.commit()\ndb.session.rollback()") == []
