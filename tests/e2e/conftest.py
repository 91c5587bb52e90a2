"""Browser-suite fixtures: the tool check, a live server on the test database, Debian's Chromium,
and pages opened in a language and a width, logged in when asked.

Without Chromium, axe-core, vnu-jar or java the whole suite is skipped with one reason; with
FORUM_REQUIRE_BROWSER=1 (CI) every test fails instead, so that a broken install cannot pass.
"""

import os
import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import WSGIRequestHandler, make_server

from tests import factories
from tests.e2e import checks

REQUIRE_VARIABLE = "FORUM_REQUIRE_BROWSER"


MISSING = checks.missing_tools()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Skip (or, under FORUM_REQUIRE_BROWSER=1, fail) before any fixture starts a browser.

    Raised here rather than in a fixture, the skip keeps this line as its location, so the
    summary shows the reason once for the whole suite instead of once per test.
    """
    if not MISSING or item.get_closest_marker("browser") is None:
        return
    if os.environ.get(REQUIRE_VARIABLE) == "1":
        pytest.fail(f"browser tests need {'; '.join(MISSING)} ({REQUIRE_VARIABLE}=1)",
                    pytrace=False)  # fmt: skip
    pytest.skip("browser tests skipped, missing: " + "; ".join(MISSING))


def pytest_collection_modifyitems(items):
    """The live server answers from its own threads, on their own connections: a test that
    uses it needs data really committed (see tests/conftest.py)."""
    for item in items:
        if "live_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.committed)


# The live server -----------------------------------------------------------------------------


class _CurrentApp:
    """The server's WSGI app: each request goes to the running test's app (and its database)."""

    app = None

    def __call__(self, environ, start_response):
        if self.app is None:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"no test is running"]
        return self.app(environ, start_response)


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code="-", size="-"):
        pass  # errors are still logged; one line per request would bury them


@pytest.fixture(scope="session")
def _http_server():
    target = _CurrentApp()
    server = make_server("127.0.0.1", 0, target, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, target
    server.shutdown()
    thread.join(5)


@pytest.fixture
def live_server(app, _http_server):
    """The base URL of a real HTTP server (port chosen by the system) serving this test's app."""
    server, target = _http_server
    target.app = app
    yield f"http://127.0.0.1:{server.server_port}"
    target.app = None


# The browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's browser, launched from Debian's Chromium."""
    return {
        **browser_type_launch_args,
        "executable_path": checks.CHROMIUM,
        "args": checks.CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The app's Content-Security-Policy is on: axe-core is evaluated through the DevTools
    # protocol (checks.axe_violations), which the policy does not govern.
    return {key: value for key, value in browser_context_args.items() if key != "base_url"}


@pytest.fixture
def open_page(new_context, live_server):
    """A page in a fresh context, on a desktop: open_page("/b/x", language="ar", person=member).

    The context's locale sets Accept-Language, which a visitor's pages follow; a logged-in
    person's pages follow their own language setting.
    """

    def open_(path="/", *, language="en", person=None):
        context = new_context(base_url=live_server, locale=language, viewport=checks.DESKTOP)
        context.set_default_timeout(10_000)
        context.add_init_script(checks.RECORD_CSP_VIOLATIONS)
        page = context.new_page()
        if person is not None:
            log_in(page, person)
        if path is not None:
            page.goto(path)
        return page

    return open_


def log_in(page, person):
    """Log in through the form, by field ids so that it works in either language."""
    page.goto("/auth/login")
    page.locator("#email").fill(person.email)
    page.locator("#password").fill(person.password)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".site-nav")).to_contain_text(person.name)


@pytest.fixture
def person(app, authority):
    """Make a person: person(role="moderator", moderates=[...], language="en")."""

    def make(*, language="en", **options):
        options.setdefault("authority_id", authority)
        with app.app_context():
            return factories.make_person(language=language, **options)

    return make
