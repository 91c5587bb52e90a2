"""The optional, self-declared gender and job category: set in /settings by the member, never
shown about anyone (the reports count them in aggregate: tests/test_reports.py)."""

from forum.extensions import db
from forum.models import User
from tests.factories import submit

SETTINGS = {"display_name": "سلمى", "job_title": "محاسبة", "language": "ar"}


def test_a_member_declares_and_withdraws_her_gender_and_job_category(app, client, login, member):
    login(member)
    page = client.get("/settings").get_data(as_text=True)
    assert 'name="gender"' in page and 'name="job_category"' in page
    data = {**SETTINGS, "gender": "woman", "job_category": "finance"}
    assert submit(client, "/settings", data).status_code == 302
    with app.app_context():
        user = db.session.get(User, member.id)
        assert (user.gender, user.job_category) == ("woman", "finance")
    chosen = client.get("/settings").get_data(as_text=True)
    assert '<option selected value="woman">' in chosen
    # Never on her profile, for anyone, herself included.
    profile = client.get(f"/u/{member.id}").get_data(as_text=True)
    assert "امرأة" not in profile and "المالية والمحاسبة" not in profile
    client.get("/language/en")
    profile = client.get(f"/u/{member.id}").get_data(as_text=True)
    assert "Woman" not in profile and "Finance and accounting" not in profile
    # Not given again: both empty.
    cleared = {**SETTINGS, "gender": "", "job_category": ""}
    assert submit(client, "/settings", cleared).status_code == 302
    with app.app_context():
        user = db.session.get(User, member.id)
        assert (user.gender, user.job_category) == (None, None)


def test_a_value_off_the_list_is_refused(app, client, login, member):
    login(member)
    response = submit(client, "/settings", {**SETTINGS, "gender": "other", "job_category": ""})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(User, member.id).gender is None
