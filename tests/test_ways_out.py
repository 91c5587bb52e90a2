"""Clear ways out: a visitor's 404 asks them to log in without telling whether the thing
exists, and GET /auth/logout asks to confirm instead of refusing the method."""

from urllib.parse import parse_qs, urlsplit

import pytest

from tests import factories

MISSING = 987654


@pytest.fixture
def restricted(app, task_force_member):
    with app.app_context():
        thread = factories.make_thread(task_force_member.id, "tf-financial-experts",
                                       title="خطة داخلية")  # fmt: skip
        return {"thread": thread.id, "post": thread.first_post_id}


def test_a_visitors_404_is_the_same_for_existing_and_missing_content(app, client, restricted):
    pairs = [
        (f"/t/{restricted['thread']}", f"/t/{MISSING}"),
        (f"/p/{restricted['post']}", f"/p/{MISSING}"),
        ("/b/tf-financial-experts", "/b/no-such-board"),
    ]
    for existing, missing in pairs:
        found, absent = client.get(existing), client.get(missing)
        assert found.status_code == absent.status_code == 404
        body = found.get_data(as_text=True)
        assert body.replace(existing, missing) == absent.get_data(as_text=True)
        assert "خطة داخلية" not in body
        assert 'class="login-hint"' in body


def test_the_hint_logs_in_and_comes_back(app, client, login, task_force_member, restricted):
    url = f"/t/{restricted['thread']}"
    body = client.get(url).get_data(as_text=True)
    link = next(part for part in body.split('"') if part.startswith("/auth/login?next="))
    assert parse_qs(urlsplit(link).query)["next"] == [url]
    response = factories.submit(
        client, link, {"email": task_force_member.email, "password": task_force_member.password}
    )
    assert response.headers["Location"] == url
    assert client.get(url).status_code == 200


def test_members_get_a_plain_404(app, login, member, restricted):
    body = login(member).get(f"/t/{restricted['thread']}").get_data(as_text=True)
    assert 'class="login-hint"' not in body


def test_get_logout_asks_to_confirm_with_a_post_form(client, login, member):
    login(member)
    page = client.get("/auth/logout")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'class="logout-confirm"' in html and 'method="post"' in html
    assert member.name in client.get("/").get_data(as_text=True)  # still logged in
    factories.submit(client, "/auth/logout", {})
    assert member.name not in client.get("/").get_data(as_text=True)


def test_a_visitors_get_logout_goes_home(client):
    response = client.get("/auth/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/"
