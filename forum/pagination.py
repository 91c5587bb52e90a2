"""Page numbers for lists: parsed from ?page=, clamped, and ready for templates."""

from dataclasses import dataclass

from flask import abort, request

MAX_PAGE = 10**9


@dataclass(frozen=True)
class Page:
    number: int
    per_page: int
    total: int

    @classmethod
    def from_request(cls, total, per_page):
        return cls.checked(requested_number(), per_page, total)

    @classmethod
    def checked(cls, number, per_page, total):
        """Page `number` of `total` items, or 404 past the last page (page 1 always exists)."""
        page = cls(number, per_page, total)
        if number > 1 and number > page.count:
            abort(404)
        return page

    @property
    def count(self):
        return max((self.total + self.per_page - 1) // self.per_page, 1)

    @property
    def offset(self):
        return (self.number - 1) * self.per_page

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.count

    def window(self, around=2):
        """Page numbers to link to: the first, the last, and a few around the current one."""
        shown = {1, self.count} | set(
            range(max(1, self.number - around), min(self.count, self.number + around) + 1)
        )
        previous = 0
        for number in sorted(shown):
            if number - previous > 1:
                yield None  # a gap, shown as an ellipsis
            yield number
            previous = number


def requested_number():
    """The page number asked for in ?page= (1 by default); 404 for a number below 1 or past
    any list's length (its offset must fit the database's integers)."""
    number = request.args.get("page", 1, type=int)
    if not 1 <= number <= MAX_PAGE:
        abort(404)
    return number
