"""Every response says what the browser may load, frame and sniff; members' pages are kept
by no cache; a body past MAX_CONTENT_LENGTH is refused before it is read."""

import gzip
from pathlib import Path

import pytest

from forum.headers import CONTENT_SECURITY_POLICY
from tests.factories import csrf_token, make_thread

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
}


def test_the_policy_allows_no_inline_script_and_no_framing():
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("logged_in", [False, True])
def test_every_kind_of_response_carries_the_security_headers(app, client, login, member,
                                                             logged_in):  # fmt: skip
    with app.app_context():
        thread_id = make_thread(member.id).id
    if logged_in:
        login(member)
    responses = [
        client.get("/"),
        client.get(f"/t/{thread_id}"),
        client.get(f"/t/{thread_id}"),  # a visitor's second visit: from the page cache
        client.get("/no-such-page"),
        client.get("/static/css/forum.css"),
        client.post("/language", data={"language": "en"}),  # no token: 400
        client.get("/language/en?next=/"),  # a redirect
    ]
    for response in responses:
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, (response.request.path, name)
        response.close()  # the static file's


def test_a_body_past_the_limit_is_refused_in_the_readers_language(app, client, login, member):
    login(member)
    token = csrf_token(client, "/t/new?board=financial-management")
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    response = client.post(
        "/t/new?board=financial-management",
        data={"csrf_token": token, "title": "عنوان", "kind": "question", "body": "x" * 70_000},
    )
    assert response.status_code == 413
    assert "ما أرسلته كبير جدًا." in response.get_data(as_text=True)
    assert "x" * 100 not in response.get_data(as_text=True)  # not echoed back


def test_the_default_limit_takes_the_longest_post_and_no_more(app):
    longest = 50_000 * len("%D8%A7") + 10_000  # Arabic, percent-encoded, with the other fields
    assert longest < app.config["MAX_CONTENT_LENGTH"] < 10 * 1024 * 1024


def fetch(client, url, **headers):
    """The answer's status, headers and body, its file closed (a static file is streamed)."""
    with client.get(url, headers=headers) as response:
        return response.status_code, response.headers, response.get_data()


def test_the_stylesheet_and_scripts_go_gzipped_to_browsers_that_accept_it(app, client):
    stylesheet = (Path(app.static_folder) / "css" / "forum.css").read_bytes()
    _, zipped, body = fetch(client, "/static/css/forum.css", **{"Accept-Encoding": "gzip, br"})
    assert zipped["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped["Vary"]
    assert gzip.decompress(body) == stylesheet
    assert len(body) < len(stylesheet) / 2
    _, plain, body = fetch(client, "/static/css/forum.css")
    assert "Content-Encoding" not in plain and body == stylesheet
    assert plain["ETag"] != zipped["ETag"]
    _, script, _ = fetch(client, "/static/js/drafts.js", **{"Accept-Encoding": "gzip"})
    assert script["Content-Encoding"] == "gzip"


def test_pages_are_never_compressed(client):
    """A page holds a CSRF token beside what the reader typed: compressed, the sizes would
    leak it (BREACH). Fonts are compressed already."""
    for url in ("/", "/auth/login", "/static/fonts/ibm-plex-sans-arabic-arabic-400-normal.woff2"):
        status, headers, _ = fetch(client, url, **{"Accept-Encoding": "gzip"})
        assert status == 200 and "Content-Encoding" not in headers
