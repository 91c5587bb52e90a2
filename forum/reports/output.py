"""A report as others read it: CSV (UTF-8 with a byte-order mark, which Excel needs to read
Arabic), JSON for scripts, and bars drawn as SVG on the server."""

import csv
import io
import json

from flask_babel import gettext as _

from forum.models import GENDERS, JOB_CATEGORIES

BOM = "\ufeff"
SUPPRESSED = "<5"


def columns():
    """(header, value of a Row) for every column, in the reader's language."""
    return [
        (_("Group"), lambda row: row.label),
        (_("Active members"), lambda row: _people(row.figures.active_members)),
        (_("Questions"), lambda row: row.figures.questions),
        (_("Challenges"), lambda row: row.figures.challenges),
        (_("Success stories"), lambda row: row.figures.success_stories),
        (_("Discussions"), lambda row: row.figures.discussions),
        (_("Replies"), lambda row: row.figures.replies),
        (_("Median hours to the first reply"),
         lambda row: _hours(row.figures.median_first_reply_hours)),
        (_("Questions answered (%)"), lambda row: _percent(row.figures.answered_share)),
        (_("Median hours to approval"), lambda row: _hours(row.figures.median_approval_hours)),
        (_("Challenges resolved"), lambda row: row.figures.challenges_resolved),
        (_("Adoptions"), lambda row: row.figures.adoptions),
    ]  # fmt: skip


def breakdown_columns():
    """(header, value of a Row) for the active members by self-declared gender and job
    category: counts of people, suppressed like the total. Each header is its own, the two
    "not given" included (the JSON report keys its figures by header)."""
    chosen = []
    for figure, groups, not_given in (
        ("genders", GENDERS, _("gender not given")),
        ("job_categories", JOB_CATEGORIES, _("job category not given")),
    ):
        for key, label in [*groups.items(), (None, not_given)]:

            def people(row, figure=figure, key=key):
                return _people(getattr(row.figures, figure).get(key, 0))

            chosen.append((_("Active members: %(group)s", group=label), people))
    return chosen


def as_csv(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    chosen = columns() + breakdown_columns()
    writer.writerow([header for header, _value in chosen])
    for row in rows:
        writer.writerow([value(row) for _header, value in chosen])
    return BOM + buffer.getvalue()


def as_json(rows, *, month):
    chosen = (columns() + breakdown_columns())[1:]
    return json.dumps(
        {"month": month, "rows": [{"key": row.key, "label": row.label,
                                   **{header: value(row) for header, value in chosen}}
                                  for row in rows]},
        ensure_ascii=False, indent=2,
    )  # fmt: skip


class Bars:
    """Horizontal bars for one column, scaled to its largest value: drawn in SVG by the
    template (templates/reports/_bar.html), from the inline start so that RTL reads right."""

    WIDTH = 120

    def __init__(self, values):
        self.largest = max((value for value in values if value), default=0)

    def width(self, value):
        if not value or not self.largest:
            return 0
        return max(1, round(self.WIDTH * value / self.largest))


def _people(count):
    return SUPPRESSED if count is None else count


def _hours(value):
    return "" if value is None else f"{value:.1f}"


def _percent(share):
    return "" if share is None else f"{100 * share:.0f}"
