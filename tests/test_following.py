"""Following boards and watching threads: the controls, the subscriptions page, the settings,
and that none of it touches a page cache or reaches a visitor's page."""

import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from forum import permissions
from forum.admin import actions as admin_actions
from forum.clock import utcnow
from forum.extensions import db
from forum.following import actions
from forum.following.unsubscribe import SALT, unsubscribe_url
from forum.models import (
    BoardSubscription,
    FollowingSettings,
    PageChange,
    TaskForce,
    TaskForceMember,
    Thread,
    ThreadWatch,
    User,
)
from tests.factories import board_by_slug, make_person, make_reply, make_thread, submit

BOARD = "financial-management"
BOARD_URL = f"/b/{BOARD}"


def subscription(app, person, slug=BOARD):
    with app.app_context():
        return db.session.get(BoardSubscription, (person.id, board_by_slug(slug).id))


def watches(app, person):
    with app.app_context():
        return set(
            db.session.scalars(
                select(ThreadWatch.thread_id).where(ThreadWatch.user_id == person.id)
            )
        )


def page_changes(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(PageChange))


def chosen_level(page, board_id):
    """The level selected for the board on the subscriptions page."""
    select_ = re.search(rf'<select[^>]*name="board-{board_id}".*?</select>', page, re.S).group(0)
    return re.search(r'<option selected value="([^"]*)"', select_).group(1)


def follow(client, level, slug=BOARD):
    return submit(client, f"/b/{slug}/follow", {"level": level}, form_page=f"/b/{slug}")


# The board page ------------------------------------------------------------------------------


def test_a_member_follows_changes_mutes_and_stops_from_the_board_page(app, client, login, member):
    login(member)
    page = client.get(BOARD_URL).get_data(as_text=True)
    assert 'action="/b/financial-management/follow"' in page
    assert '<option selected value="">' in page  # not following yet

    assert follow(client, "daily").status_code == 302
    assert subscription(app, member).level == "daily"
    page = client.get(BOARD_URL).get_data(as_text=True)
    assert '<option selected value="daily">' in page

    follow(client, "muted")
    assert subscription(app, member).level == "muted"
    follow(client, "")
    assert subscription(app, member) is None


def test_a_new_level_starts_the_date_again_and_the_same_level_keeps_it(app, client, login, member):
    with app.app_context(), time_machine.travel(utcnow() - timedelta(days=10), tick=False):
        actions.follow_board(db.session.get(User, member.id), board_by_slug(BOARD), "weekly")
        db.session.commit()
    began = subscription(app, member).created_at
    login(member)
    follow(client, "weekly")
    assert subscription(app, member).created_at == began
    follow(client, "instant")
    assert subscription(app, member).created_at > began + timedelta(days=9)


def test_an_unknown_level_or_a_missing_token_changes_nothing(app, client, login, member):
    login(member)
    assert follow(client, "hourly").status_code == 400
    assert client.post(f"{BOARD_URL}/follow", data={"level": "daily"}).status_code == 400
    assert subscription(app, member) is None


def test_a_board_one_cannot_read_cannot_be_followed(app, client, login, member):
    login(member)
    response = submit(client, "/b/tf-financial-experts/follow", {"level": "daily"},
                      form_page=BOARD_URL)  # fmt: skip
    assert response.status_code == 404
    assert subscription(app, member, "tf-financial-experts") is None


def test_a_visitors_cached_board_page_never_holds_a_follow_form(app, client, login, member):
    member_client = login(member, on=app.test_client())
    assert "follow-form" in member_client.get(BOARD_URL).get_data(as_text=True)
    follow(member_client, "instant")

    first, second = client.get(BOARD_URL), client.get(BOARD_URL)
    assert second.headers["X-Page-Cache"] == "hit"
    for response in (first, second):
        page = response.get_data(as_text=True)
        assert "follow-form" not in page and "/follow" not in page and "csrf_token" not in page
    # A member's page is never stored, so their form never reaches the cache either.
    assert "X-Page-Cache" not in member_client.get(BOARD_URL).headers


# Watching --------------------------------------------------------------------------------


def test_watch_and_stop_watching_from_the_thread_page(app, client, login, member, other_member):
    with app.app_context():
        thread_id = make_thread(other_member.id, title="موضوع للمتابعة").id
    login(member)
    page = client.get(f"/t/{thread_id}").get_data(as_text=True)
    assert f'action="/t/{thread_id}/watch"' in page
    submit(client, f"/t/{thread_id}/watch", {}, form_page=f"/t/{thread_id}")
    assert watches(app, member) == {thread_id}
    page = client.get(f"/t/{thread_id}").get_data(as_text=True)
    assert f'action="/t/{thread_id}/unwatch"' in page
    submit(client, f"/t/{thread_id}/unwatch", {}, form_page=f"/t/{thread_id}")
    assert watches(app, member) == set()


def test_visitors_see_no_watch_button(app, client, member):
    with app.app_context():
        thread_id = make_thread(member.id).id
    page = client.get(f"/t/{thread_id}").get_data(as_text=True)
    assert "watch-form" not in page and "/watch" not in page


def test_authors_watch_what_they_start_and_reply_to(app, member, other_member):
    with app.app_context():
        started = make_thread(member.id)
        answered = make_thread(other_member.id)
        make_reply(member.id, answered)
        ids = started.id, answered.id
    assert watches(app, member) == set(ids)
    assert watches(app, other_member) == {ids[1]}


def test_no_automatic_watch_when_turned_off_or_on_a_muted_board(app, member, other_member):
    with app.app_context():
        actions.update_settings(
            db.session.get(User, member.id), auto_watch=False, new_board_level=None,
            digest_weekday=6, digest_hour=8, digest_timezone="Asia/Hebron",
        )  # fmt: skip
        actions.follow_board(db.session.get(User, other_member.id), board_by_slug(BOARD), "muted")
        db.session.commit()
        thread = make_thread(member.id)
        make_reply(other_member.id, thread)
        elsewhere = make_thread(other_member.id, "public-relations").id
    assert watches(app, member) == set()
    assert watches(app, other_member) == {elsewhere}


# The subscriptions page ------------------------------------------------------------------


def test_the_subscriptions_page_lists_changes_and_stops(app, client, login, member, other_member):
    with app.app_context():
        thread = make_thread(other_member.id, title="موضوع مراقب")
        actions.watch_thread(db.session.get(User, member.id), thread)
        actions.follow_board(db.session.get(User, member.id), board_by_slug(BOARD), "weekly")
        db.session.commit()
        thread_id, board_id = thread.id, board_by_slug(BOARD).id
        other_board = board_by_slug("public-relations").id
    login(member)
    page = client.get("/settings/subscriptions").get_data(as_text=True)
    assert "موضوع مراقب" in page
    assert chosen_level(page, board_id) == "weekly"
    assert chosen_level(page, other_board) == ""
    assert "الخبراء الماليين" not in page  # the task force's board: not readable

    saved = submit(client, "/settings/subscriptions/boards",
                   {f"board-{board_id}": "", f"board-{other_board}": "in_app"},
                   form_page="/settings/subscriptions")  # fmt: skip
    assert saved.status_code == 302
    assert subscription(app, member) is None
    assert subscription(app, member, "public-relations").level == "in_app"

    back = {"next": "/settings/subscriptions"}
    stopped = submit(client, f"/t/{thread_id}/unwatch", back, form_page="/settings/subscriptions")
    assert stopped.headers["Location"].endswith("/settings/subscriptions")
    assert watches(app, member) == set()
    assert "موضوع مراقب" not in client.get("/settings/subscriptions").get_data(as_text=True)


def test_a_watched_thread_one_can_no_longer_read_leaves_the_list(app, client, login,
                                                                 task_force_member):  # fmt: skip
    with app.app_context():
        make_thread(task_force_member.id, "tf-financial-experts", title="خطة الفريق")
    reader = login(task_force_member)
    assert "خطة الفريق" in reader.get("/settings/subscriptions").get_data(as_text=True)
    _leave_task_force(app, task_force_member)
    assert "خطة الفريق" not in reader.get("/settings/subscriptions").get_data(as_text=True)


def test_settings_are_saved_and_checked(app, client, login, member):
    login(member)
    data = {
        "new_board_level": "daily",
        "digest_weekday": "0",
        "digest_hour": "19",
        "digest_timezone": "Asia/Gaza",
    }  # fmt: skip  (auto_watch unticked)
    saved = submit(client, "/settings/subscriptions/preferences", data,
                   form_page="/settings/subscriptions")  # fmt: skip
    assert saved.status_code == 302
    with app.app_context():
        settings = db.session.get(FollowingSettings, member.id)
        assert (settings.auto_watch, settings.new_board_level, settings.digest_weekday,
                settings.digest_hour, settings.digest_timezone) == (
            False, "daily", 0, 19, "Asia/Gaza")  # fmt: skip
    wrong = submit(client, "/settings/subscriptions/preferences",
                   {**data, "digest_hour": "24", "new_board_level": "muted"},
                   form_page="/settings/subscriptions")  # fmt: skip
    assert wrong.status_code == 422


def test_a_member_without_settings_has_the_defaults(app, member):
    from forum.following import queries

    with app.app_context():
        settings = queries.get_settings(db.session.get(User, member.id))
        assert settings.auto_watch and settings.new_board_level is None
        assert (settings.digest_weekday, settings.digest_hour) == (6, 8)
        assert settings.digest_timezone == "Asia/Hebron"
        assert db.session.get(FollowingSettings, member.id) is None  # nothing was written


# New boards --------------------------------------------------------------------------------


def test_a_new_board_is_followed_at_each_members_level_for_new_boards(
    app, member, other_member, admin, task_force_member
):
    with app.app_context():
        for person, level in ((member, "daily"), (task_force_member, "instant")):
            actions.update_settings(
                db.session.get(User, person.id), auto_watch=True, new_board_level=level,
                digest_weekday=6, digest_hour=8, digest_timezone="Asia/Hebron",
            )  # fmt: skip
        db.session.commit()
        actor = db.session.get(User, admin.id)
        admin_actions.create_board(actor, slug="water", name_ar="المياه", name_en="Water")
        task_force = db.session.scalar(
            select(TaskForce).where(TaskForce.slug == "financial-experts")
        )
        admin_actions.create_board(actor, slug="tf-secret", name_ar="سري", name_en="Secret",
                           access="restricted", task_force=task_force)  # fmt: skip
        db.session.commit()
    assert subscription(app, member, "water").level == "daily"
    assert subscription(app, task_force_member, "water").level == "instant"
    assert subscription(app, other_member, "water") is None  # no level for new boards
    assert subscription(app, member, "tf-secret") is None  # may not read it
    assert subscription(app, task_force_member, "tf-secret").level == "instant"
    # Boards that existed before are left as they were.
    assert subscription(app, member) is None


# Private state -----------------------------------------------------------------------------


def test_following_writes_no_page_change_and_empties_no_cache(app, client, login, member):
    with app.app_context():
        thread_id = make_thread(member.id).id
    client.get(BOARD_URL)
    client.get(f"/t/{thread_id}")
    before = page_changes(app)
    reader = login(member, on=app.test_client())
    follow(reader, "instant")
    submit(reader, f"/t/{thread_id}/unwatch", {}, form_page=f"/t/{thread_id}")
    submit(reader, f"/t/{thread_id}/watch", {}, form_page=f"/t/{thread_id}")
    submit(reader, "/settings/subscriptions/preferences",
           {"new_board_level": "", "digest_weekday": "6", "digest_hour": "8",
            "digest_timezone": "Asia/Hebron"}, form_page="/settings/subscriptions")  # fmt: skip
    assert subscription(app, member).level == "instant"
    assert page_changes(app) == before
    assert client.get(BOARD_URL).headers["X-Page-Cache"] == "hit"
    assert client.get(f"/t/{thread_id}").headers["X-Page-Cache"] == "hit"


# Helpers -----------------------------------------------------------------------------------


def _leave_task_force(app, person):
    with app.app_context():
        db.session.execute(
            TaskForceMember.__table__.delete().where(TaskForceMember.user_id == person.id)
        )
        db.session.commit()


# Unsubscribe links ---------------------------------------------------------------------------


def links(app, person, *, thread_id=None):
    """The member's unsubscribe URLs for BOARD and, when given, a thread."""
    with app.app_context(), app.test_request_context():
        user = db.session.get(User, person.id)
        board_url = unsubscribe_url(user, board=board_by_slug(BOARD))
        thread_url = None
        if thread_id is not None:
            thread_url = unsubscribe_url(user, thread=db.session.get(Thread, thread_id))
        return board_url, thread_url


def test_unsubscribe_urls_are_absolute_under_the_base_url(app, member):
    app.config["BASE_URL"] = "https://tabadul.example.org/forum/"
    board_url, _ = links(app, member)
    assert board_url.startswith("https://tabadul.example.org/forum/unsubscribe/")
    with app.app_context(), pytest.raises(ValueError):
        unsubscribe_url(db.session.get(User, member.id))


def test_one_click_unsubscribes_without_logging_in_or_a_form_token(app, client, member):
    _follow_as(app, member, "instant")
    board_url, _ = links(app, member)
    path = board_url.removeprefix("http://127.0.0.1:5000")
    page = client.get(path)  # a mail scanner opening the link changes nothing
    assert page.status_code == 200 and subscription(app, member).level == "instant"
    text = page.get_data(as_text=True)
    assert "منصة الإدارة المالية" in text and "csrf_token" in text

    done = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert subscription(app, member) is None
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200  # again


def test_the_confirmation_page_stops_or_changes_the_level(app, client, member, other_member):
    _follow_as(app, member, "instant")
    with app.app_context():
        thread_id = make_thread(other_member.id).id
        actions.watch_thread(db.session.get(User, member.id), db.session.get(Thread, thread_id))
        db.session.commit()
    board_url, thread_url = links(app, member, thread_id=thread_id)
    board_path = board_url.removeprefix("http://127.0.0.1:5000")
    thread_path = thread_url.removeprefix("http://127.0.0.1:5000")

    # The form is a normal CSRF form: without its token nothing changes.
    assert client.post(f"{board_path}/choose", data={"level": "weekly"}).status_code == 400
    changed = submit(client, f"{board_path}/choose", {"level": "weekly"}, form_page=board_path)
    assert changed.status_code == 302 and subscription(app, member).level == "weekly"
    submit(client, f"{board_path}/choose", {"level": ""}, form_page=board_path)
    assert subscription(app, member) is None

    submit(client, f"{thread_path}/choose", {"level": ""}, form_page=thread_path)
    assert watches(app, member) == set()


@pytest.mark.parametrize("language", ["ar", "en"])
def test_a_tampered_token_is_a_clear_localised_404(app, client, member, language):
    _follow_as(app, member, "instant")
    path = links(app, member)[0].removeprefix("http://127.0.0.1:5000")
    tampered = path[:-3] + ("abc" if not path.endswith("abc") else "xyz")
    client.get(f"/language/{language}")
    expected = {
        "ar": "رابط إلغاء الاشتراك هذا غير صالح",
        "en": "This unsubscribe link is not valid",
    }[language]
    for response in (client.get(tampered), client.post(tampered), client.get("/unsubscribe/x")):
        assert response.status_code == 404
        assert expected in response.get_data(as_text=True)
    assert subscription(app, member).level == "instant"


def test_a_token_for_another_purpose_or_key_is_refused(app, client, member):
    from itsdangerous import URLSafeSerializer

    _follow_as(app, member, "instant")
    with app.app_context():
        board_id = board_by_slug(BOARD).id
    forged = URLSafeSerializer("another key", salt=SALT).dumps({"u": member.id, "b": board_id})
    other_salt = URLSafeSerializer("test-secret", salt="other").dumps({"u": member.id})
    for token in (forged, other_salt):
        assert client.post(f"/unsubscribe/{token}").status_code == 404
    assert subscription(app, member).level == "instant"


def test_the_page_does_not_name_a_board_its_member_can_no_longer_read(
    app, client, task_force_member
):
    _follow_as(app, task_force_member, "instant", slug="tf-financial-experts")
    with app.app_context(), app.test_request_context():
        user = db.session.get(User, task_force_member.id)
        url = unsubscribe_url(user, board=board_by_slug("tf-financial-experts"))
    _leave_task_force(app, task_force_member)
    path = url.removeprefix("http://127.0.0.1:5000")
    page = client.get(path).get_data(as_text=True)
    assert "الخبراء الماليين" not in page and "هذه المنصة" in page
    assert 'id="level"' not in page  # no other level to offer: only stopping
    refused = submit(client, f"{path}/choose", {"level": "daily"}, form_page=path)
    assert refused.status_code == 403
    assert subscription(app, task_force_member, "tf-financial-experts").level == "instant"
    submit(client, f"{path}/choose", {"level": ""}, form_page=path)
    assert subscription(app, task_force_member, "tf-financial-experts") is None


def test_unsubscribing_writes_no_page_change(app, client, member):
    _follow_as(app, member, "instant")
    before = page_changes(app)
    client.post(links(app, member)[0].removeprefix("http://127.0.0.1:5000"))
    assert subscription(app, member) is None and page_changes(app) == before


def _follow_as(app, person, level, slug=BOARD):
    with app.app_context():
        actions.follow_board(db.session.get(User, person.id), board_by_slug(slug), level)
        db.session.commit()


# The policy ----------------------------------------------------------------------------------

PEOPLE = ("member", "task_force_member", "other_task_force_member", "moderator",
          "other_moderator", "admin", "suspended")  # fmt: skip


def test_readers_among_answers_as_the_policy_does_one_by_one(app, request):
    """One rule: asking about many people at once agrees with asking about each."""
    people = [request.getfixturevalue(name) for name in PEOPLE]
    with app.app_context():
        demoted = make_person(role="moderator", moderates=["tf-financial-experts"])
        db.session.get(User, demoted.id).role = "member"  # the assignment no longer counts
        db.session.commit()
        people.append(demoted)
        public = db.session.get(Thread, make_thread(people[0].id).id)
        secret = db.session.get(Thread, make_thread(people[1].id, "tf-financial-experts").id)
        users = [db.session.get(User, person.id) for person in people]
        for item, ask in (
            (public, permissions.can_watch_thread),
            (secret, permissions.can_watch_thread),
            (secret.board, permissions.can_follow_board),
        ):
            one_by_one = [user.id for user in users if ask(item, user)]
            assert [user.id for user in permissions.readers_among(users, item)] == one_by_one
        assert [u.id for u in permissions.readers_among(users, secret)] == [
            people[1].id, people[3].id, people[5].id
        ]  # fmt: skip
