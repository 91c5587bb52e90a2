"""Tags: the moderators' list, authors' choice when starting a thread, moderators' changes,
and the tag pages, which count and list only what the reader may read."""

from flask_login import login_user
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import ModerationLog, Tag, Thread, ThreadTag, User
from forum.seed import TAGS
from forum.tags import actions
from forum.tags.queries import tags_with_counts
from tests.factories import board_by_slug, make_thread, submit

BOARD = "financial-management"


def tag_ids(app, *slugs):
    with app.app_context():
        found = dict(db.session.execute(select(Tag.slug, Tag.id).where(Tag.slug.in_(slugs))).all())
    return [found[slug] for slug in slugs]


def tags_on(app, thread_id):
    with app.app_context():
        return set(
            db.session.scalars(
                select(Tag.slug).join(ThreadTag).where(ThreadTag.thread_id == thread_id)
            )
        )


def tag_thread(app, thread_id, *slugs):
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        tags = db.session.scalars(select(Tag).where(Tag.slug.in_(slugs))).all()
        actions.set_thread_tags(thread.author, thread, tags)
        db.session.commit()


def test_the_starter_list_is_seeded_in_both_languages(app, client):
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Tag)) == len(TAGS)
    arabic = client.get("/tags").get_data(as_text=True)
    english = client.get("/tags", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "النفايات الصلبة" in arabic and "ضريبة الأملاك" in arabic
    assert "Solid waste" in english and "Property tax" in english


def test_an_author_chooses_up_to_five_tags_when_starting_a_thread(app, client, login, moderator):
    login(moderator)  # publishes at once
    chosen = tag_ids(app, "water", "budgeting")
    url = f"/t/new?board={BOARD}"
    data = {"title": "موازنة المياه", "kind": "question", "body": "كيف؟", "tags": chosen}
    assert submit(client, url, data).status_code == 302
    with app.app_context():
        thread_id = db.session.scalar(select(Thread.id).where(Thread.title == "موازنة المياه"))
    assert tags_on(app, thread_id) == {"water", "budgeting"}
    html = client.get(f"/t/{thread_id}").get_data(as_text=True)
    assert 'href="/tags/water"' in html and 'href="/tags/budgeting"' in html

    six = tag_ids(app, *(slug for slug, _, _ in TAGS[:6]))
    response = submit(client, url, {**data, "title": "ستة وسوم", "tags": six})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(Thread.id).where(Thread.title == "ستة وسوم")) is None


def test_a_moderator_changes_a_threads_tags_and_the_author_may_not(
    app, client, login, member, moderator
):
    with app.app_context():
        thread_id = make_thread(member.id, BOARD).id
    tag_thread(app, thread_id, "water")
    author = login(member, on=app.test_client())
    assert author.get(f"/t/{thread_id}/tags").status_code == 403
    login(moderator)
    response = submit(client, f"/t/{thread_id}/tags", {"tags": tag_ids(app, "procurement")})
    assert response.status_code == 302
    assert tags_on(app, thread_id) == {"procurement"}
    with app.app_context():
        assert db.session.scalar(select(ModerationLog.action)) == "retag_thread"


def test_moderators_keep_the_list(app, client, login, member, moderator):
    data = {"slug": "street-lighting", "name_ar": "إنارة الشوارع", "name_en": "Street lighting"}
    stranger = login(member, on=app.test_client())
    assert stranger.get("/tags/manage").status_code == 403
    login(moderator)
    assert submit(client, "/tags/manage", data).status_code == 302
    english = client.get("/tags/street-lighting", headers={"Accept-Language": "en"})
    assert english.status_code == 200
    # The address is unique, and "manage" is taken by the list itself.
    assert submit(client, "/tags/manage", data).status_code == 422
    assert submit(client, "/tags/manage", {**data, "slug": "manage"}).status_code == 422
    assert submit(client, "/tags/manage", {**data, "slug": "Not A Slug"}).status_code == 422
    (tag_id,) = tag_ids(app, "street-lighting")
    renamed = {**data, "name_en": "Public lighting"}
    assert submit(client, f"/tags/manage/{tag_id}", renamed).status_code == 302
    with app.app_context():
        assert db.session.get(Tag, tag_id).name_en == "Public lighting"


def test_tag_pages_count_and_list_only_what_the_reader_may_read(
    app, client, login, member, task_force_member
):
    with app.app_context():
        public = make_thread(member.id, BOARD, title="علني عن النفايات").id
        other = make_thread(member.id, "engineering-planning", title="هندسي عن النفايات").id
        secret = make_thread(
            task_force_member.id, "tf-financial-experts", title="سري عن النفايات"
        ).id
        unpublished = make_thread(member.id, BOARD, title="معلق عن النفايات", published=False).id
    for thread_id in (public, other, secret, unpublished):
        tag_thread(app, thread_id, "solid-waste")

    def seen(reader):
        html = reader.get("/tags/solid-waste").get_data(as_text=True)
        titles = {t for t in ("علني", "هندسي", "سري", "معلق") if f"{t} عن النفايات" in html}
        return titles

    assert seen(login(member, on=app.test_client())) == {"علني", "هندسي"}
    assert seen(login(task_force_member, on=app.test_client())) == {"علني", "هندسي", "سري"}
    assert seen(client) == {"علني", "هندسي"}
    assert client.get("/tags/no-such-tag").status_code == 404
    with app.app_context():
        # Nothing reached the restricted board's list through the tag.
        assert board_by_slug("tf-financial-experts").thread_count == 1


def test_tag_counts_leave_out_restricted_threads(app, member, task_force_member):
    with app.app_context():
        make_thread(member.id, BOARD, title="علني")
        secret = make_thread(task_force_member.id, "tf-financial-experts", title="سري").id
        public = db.session.scalar(select(Thread.id).where(Thread.title == "علني"))
    tag_thread(app, public, "water")
    tag_thread(app, secret, "water")
    counts = {}
    for name, person in (("member", member), ("insider", task_force_member)):
        with app.test_request_context():
            login_user(db.session.get(User, person.id))
            counts[name] = {tag.slug: n for tag, n in tags_with_counts(None)}["water"]
    with app.test_request_context():
        counts["visitor"] = {tag.slug: n for tag, n in tags_with_counts(None)}["water"]
    assert counts == {"member": 1, "insider": 2, "visitor": 1}


def test_a_change_of_tags_drops_the_visitors_cached_thread_page(app, client, member):
    with app.app_context():
        thread_id = make_thread(member.id, BOARD).id
    client.get(f"/t/{thread_id}")
    assert client.get(f"/t/{thread_id}").headers["X-Page-Cache"] == "hit"
    tag_thread(app, thread_id, "twinning")
    page = client.get(f"/t/{thread_id}")
    assert page.headers["X-Page-Cache"] == "miss"
    assert 'href="/tags/twinning"' in page.get_data(as_text=True)
