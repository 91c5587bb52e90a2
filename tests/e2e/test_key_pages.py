"""Every key page in both languages: no serious axe-core violation, body text in the bundled
face, and on a 360-pixel phone no sideways scrolling, a header of at most 120 px and no word
split inside itself; screenshots for review, and valid HTML by the Nu HTML Checker.

Each test here can fail: a missing key page fails (even without a browser), and a control test
shows that the audit reports a page that does not load, an axe-core violation, a page wider
than a phone, a tall header, a split word, a page not in the bundled face, invalid HTML and
what the Content-Security-Policy blocked.
"""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.e2e import checks
from tests.e2e.keypages import KEY_PAGES, LANGUAGES, KeyPage, build, has_landed, to_audit

VIEWERS = sorted({key_page.viewer for key_page in KEY_PAGES})


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_key_pages_are_accessible_and_fit_a_phone(app, authority, open_page, viewer, language):
    """One login per viewer and language, then every page they see (a login costs a second)."""
    sample = build(app, language, authority)
    page = open_page(None, language=language, person=sample.viewers.get(viewer))
    problems = {}
    for key_page in to_audit(app):
        if key_page.viewer == viewer:
            page.set_viewport_size(checks.DESKTOP)
            found = _audit(page, key_page, key_page.url(sample), language)
            if found:
                problems[key_page.name] = found
    assert problems == {}


def _audit(page, key_page, url, language):
    """What is wrong with one page: status, language, axe-core, sideways scrolling on a phone."""
    response = page.goto(url)
    if response.status != key_page.status:
        return [f"{url} answered {response.status}, not {key_page.status}"]
    return checks.audit_shown_page(page, key_page.name, language)


def test_every_key_page_exists(app):
    """No browser needed: a key page that lost its route fails here first."""
    assert not has_landed(app, KeyPage("nowhere", "/no/such/page"))
    missing = [page.path for page in KEY_PAGES if not page.planned and not has_landed(app, page)]
    assert missing == []


@pytest.mark.browser
def test_the_audit_reports_what_it_looks_for(open_page, tmp_path):
    """The positive control: each check above finds the fault it is there to find."""
    page = open_page(None)
    missing = KeyPage("missing", "/no/such/page")
    assert _audit(page, missing, missing.path, "en") == ["/no/such/page answered 404, not 200"]

    page.goto("about:blank")  # a page of its own, without the forum's policy on inline styles
    page.set_content('<main><img src="/static/none.png"><p style="width: 900px">wide</p></main>')
    assert any(" image-alt: " in problem for problem in checks.axe_violations(page))
    page.set_viewport_size(checks.PHONE)
    assert checks.scrolls_sideways(page)

    page.set_content(
        '<header class="site-header" style="height: 200px"></header><main><table><tr>'
        '<td style="overflow-wrap: anywhere; width: 3em">Statistics</td></tr></table>'
        '<h2 style="word-break: break-all; width: 2em">السبب</h2></main>'
    )
    assert any("200px" in problem for problem in checks.phone_problems(page))
    assert checks.words_split(page) == ['"Statistics" in <td>', '"السبب" in <h2>']
    assert checks.font_problems(page, "ar") != []
    page.goto("/")
    assert checks.font_problems(page, "en") == []

    invalid = tmp_path / "invalid.html"
    invalid.write_text("<!DOCTYPE html><html lang=en><title>x</title><p><div></span>")
    assert checks.html_errors([invalid])

    # An inline handler slipped into a forum page is blocked by its policy, and reported.
    page.goto("/")
    assert checks.csp_violations(page) == []
    page.evaluate("""document.body.insertAdjacentHTML('beforeend',
        '<img alt="" src="/static/css/forum.css" onerror="window.ran = 1">')""")
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.ran") is None
    assert any(v.startswith("script-src") for v in checks.csp_violations(page))


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_skip_link_comes_first_and_focus_is_visible(open_page, language):
    page = open_page("/b/financial-management", language=language)
    page.keyboard.press("Tab")
    skip_link = page.locator(".skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    assert _focus_outline(page) != "none"

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
    assert _focus_outline(page) != "none"


def _focus_outline(page):
    return page.evaluate("getComputedStyle(document.activeElement).outlineStyle")


@pytest.mark.browser
def test_form_errors_are_accessible(open_page):
    page = open_page("/auth/register")
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert checks.axe_violations(page) == []


@pytest.mark.browser
def test_key_pages_are_valid_html(app, authority, tmp_path):
    """All pages, both languages, one run of the checker (a JVM start costs about two seconds)."""
    files = []
    for language in LANGUAGES:
        sample = build(app, language, authority)
        clients = {"visitor": _client(app, language)}
        for viewer, person in sample.viewers.items():
            clients[viewer] = _client(app, language)
            factories.submit(clients[viewer], "/auth/login",
                             {"email": person.email, "password": person.password})  # fmt: skip
        for key_page in to_audit(app):
            response = clients[key_page.viewer].get(key_page.url(sample))
            assert response.status_code == key_page.status, key_page.url(sample)
            files.append(tmp_path / f"{key_page.name}-{language}.html")
            files[-1].write_bytes(response.data)
        with_errors = factories.submit(clients["visitor"], "/auth/register", {})
        assert with_errors.status_code == 422
        files.append(tmp_path / f"register-errors-{language}.html")
        files[-1].write_bytes(with_errors.data)
    errors = checks.html_errors(files)
    assert not errors, "\n".join(
        f"{name}: {error}" for name in errors for error in errors[name][:3]
    )


def _client(app, language):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    return client
