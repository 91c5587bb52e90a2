"""/reports: the participation figures for administrators and analysts, as a page with bars
and as a CSV file."""

from datetime import date

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from forum import permissions
from forum.boards.queries import list_boards
from forum.clock import utcnow
from forum.reports import output, queries
from forum.reports.forms import GROUPING_LABELS, ReportForm

bp = Blueprint("reports", __name__)


@bp.app_template_global()
def smallest_reported_group():
    """How few people a report's cell may count before it is hidden (for the settings page,
    which tells members so)."""
    return queries.SMALLEST_CELL


def _a_year_of_months_to(end):
    """The first day of the month eleven months before end's: twelve whole months by
    default, so that no bar of the chart stands for part of a month."""
    months = end.year * 12 + end.month - 1 - 11
    return date(months // 12, months % 12 + 1, 1)


@bp.before_request
def _readers_of_reports_only():
    # Like /admin: for everyone else the reports do not exist.
    permissions.require(permissions.can_read_reports())


def _requested():
    """The form read from the address and the filters it gives (the last twelve months, this
    one included, by default)."""
    form = ReportForm(request.args)
    form.fill_choices(list_boards(current_user))
    if not form.validate():
        form = ReportForm(formdata=None)
        form.fill_choices(list_boards(current_user))
    today = utcnow().date()
    end = form.end.data or today
    start = form.start.data or _a_year_of_months_to(end)
    filters = queries.Filters(
        start=min(start, end), end=max(start, end), board_id=form.board.data or None,
        governorate=form.governorate.data or None,
        authority_kind=form.authority_kind.data or None,
    )  # fmt: skip
    return form, filters, form.by.data or "month"


@bp.get("/reports")
def show_report():
    form, filters, by = _requested()
    rows = queries.report(current_user, filters, by)
    return render_template(
        "reports/report.html", form=form, filters=filters, by=by, rows=rows,
        grouping=GROUPING_LABELS[by], columns=output.columns(),
        breakdown=output.breakdown_columns(),
        threads_bars=output.Bars([row.figures.threads for row in rows]),
        replies_bars=output.Bars([row.figures.replies for row in rows]),
    )  # fmt: skip


@bp.get("/reports.csv")
def download_report():
    _form, filters, by = _requested()
    rows = queries.report(current_user, filters, by)
    name = f"tabadul-{by}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.csv"
    return Response(
        output.as_csv(rows).encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
