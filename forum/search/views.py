"""The search page and the title suggestions of the new-thread form.

Neither is ever stored in the page cache (forum.cache keeps only the endpoints it lists), and
neither records who searched for what.
"""

import json

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum import limits, search
from forum.pagination import Page, requested_number
from forum.search.forms import SearchForm

bp = Blueprint("search", __name__)
FILTERS = ("board", "kind", "author", "authority", "since", "until")


@bp.get("/search")
@limits.search
def show_results():
    form = SearchForm(request.args)
    form.set_choices(search.filter_choices(current_user))
    context = {"form": form, "hits": [], "page": None, "message": None, "more": False,
               "truncated": False, "searched": "q" in request.args,
               "max_terms": search.MAX_TERMS}  # fmt: skip
    if not context["searched"] or not form.validate():
        return render_template("search/results.html", **context)
    try:
        query = search.parse(form.q.data)
    except search.EmptyQuery:
        context["message"] = _("Type a word to search for: letters or digits, not only signs.")
        return render_template("search/results.html", **context)
    order = form.order.data if form.order.data in ("relevance", "date") else "relevance"
    results = search.find(current_user, query, _filters(form), order)
    per_page = current_app.config["SEARCH_RESULTS_PER_PAGE"]
    page = Page.checked(requested_number(), per_page, len(results.ranked))
    shown = results.ranked[page.offset : page.offset + per_page]
    context.update(
        hits=search.hits(shown, query), page=page, more=results.more,
        truncated=query.truncated, arguments=_arguments(form),
    )  # fmt: skip
    return render_template("search/results.html", **context)


def _filters(form):
    return search.Filters(
        board_id=form.board.data, kind=form.kind.data or None,
        author_name=(form.author.data or "").strip() or None, authority_id=form.authority.data,
        since=form.since.data, until=form.until.data,
    )  # fmt: skip


def _arguments(form):
    """The search's own address arguments, for the links to its other pages."""
    arguments = {"q": form.q.data, "order": form.order.data}
    arguments.update((name, request.args[name]) for name in FILTERS if request.args.get(name))
    return arguments


@bp.get("/search/titles")
def suggest_titles():
    """Threads whose titles match what is typed in the new-thread form, as JSON."""
    text = request.args.get("q", "")
    try:
        query = search.parse(text)
    except search.EmptyQuery:
        return _json([])
    if sum(len(term.word) for term in query.terms) < 3:
        return _json([])
    found = search.suggest_titles(query, current_user)
    return _json([{"title": title, "url": url_for("threads.show_thread", thread_id=thread_id)}
                  for thread_id, title in found])  # fmt: skip


def _json(threads):
    # Arabic as itself, not as \u escapes: half the bytes, and legible to tests and people.
    body = json.dumps({"threads": threads}, ensure_ascii=False)
    return current_app.response_class(body, mimetype="application/json")
