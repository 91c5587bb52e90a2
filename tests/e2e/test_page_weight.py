"""What a page costs to download in a real browser, fonts included: a first view under 160 KB
and a repeat view (the same page again, static files kept for a year) under 40 KB.

Measured from Resource Timing's transferSize (bytes over the wire, headers included; a file
served from the browser's cache counts 0), after the fonts have loaded.
"""

import pytest

from tests.e2e.keypages import LANGUAGES, build

FIRST_VIEW_MAX = 160_000
REPEAT_VIEW_MAX = 40_000
PAGES = {"home": "/", "board": "/b/financial-management", "thread": "/t/{thread}"}


def transferred(page):
    """Bytes the page and everything it loaded took, by kind of resource."""
    return page.evaluate(
        """async () => {
            await document.fonts.ready;
            const sizes = {};
            const entries = [...performance.getEntriesByType('navigation'),
                             ...performance.getEntriesByType('resource')];
            for (const entry of entries) {
                const kind = entry.entryType === 'navigation' ? 'html'
                    : entry.name.includes('/fonts/') ? 'fonts'
                    : entry.initiatorType === 'link' ? 'css' : entry.initiatorType;
                sizes[kind] = (sizes[kind] || 0) + entry.transferSize;
            }
            return sizes;
        }"""
    )


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("viewer", ["visitor", "moderator"])
def test_first_and_repeat_views_are_light(app, authority, open_page, language, viewer):
    sample = build(app, language, authority)
    page = open_page(None, language=language, person=sample.viewers.get(viewer))
    browser_cache = page.context.new_cdp_session(page)
    figures = {}
    for name, path in PAGES.items():
        url = path.format(**sample.ids)
        browser_cache.send("Network.clearBrowserCache")  # each page a first view, cold
        page.goto(url)
        first = transferred(page)
        page.goto(url)
        repeat = transferred(page)
        figures[name] = (first, sum(repeat.values()))
    print(f"\npage weight, {viewer}, {language}:")  # the figures, with -s
    for name, (first, repeat) in figures.items():
        print(f"  {name}: first view {sum(first.values()):,} B {first}, repeat view {repeat:,} B")
    assert all(sum(first.values()) < FIRST_VIEW_MAX for first, _repeat in figures.values())
    assert all(repeat < REPEAT_VIEW_MAX for _first, repeat in figures.values())
