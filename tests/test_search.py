"""Search: what each reader finds, the index kept in step with every write, bad queries, the
search page, similar threads and title suggestions. Runs on SQLite, and on PostgreSQL with
FORUM_TEST_DATABASE_URL."""

import logging
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select, text, update

from forum import search
from forum.clock import utcnow
from forum.extensions import db
from forum.models import Post, Thread, User
from forum.moderation import actions as moderation
from forum.search import schema
from forum.threads import actions
from tests.factories import board_by_slug, make_person, make_reply, make_thread

RESTRICTED = "tf-financial-experts"  # read by the financial experts' task force only
WORD = "الاستملاك"  # a word found in no seeded text


def found(reader, typed, **filters):
    """The post ids a reader finds (call inside a request context)."""
    return search.find(reader, search.parse(typed), search.Filters(**filters)).ranked


def as_user(person):
    return None if person is None else db.session.get(User, person.id)


# Who finds what ----------------------------------------------------------------------------


@pytest.fixture
def hidden_and_shown(app, member, task_force_member, moderator):
    """One post of each kind the reader may or may not see, every one holding WORD."""
    with app.app_context():
        author = make_person()
        public = make_thread(author.id, title=f"{WORD} في المدينة")
        restricted = make_thread(task_force_member.id, RESTRICTED, title=f"خطة {WORD} السرية")
        pending = make_thread(author.id, title=f"{WORD} المعلق", published=False)
        rejected = make_thread(author.id, title=f"{WORD} المرفوض", published=False)
        moderator_user = as_user(moderator)
        moderation.reject_thread(moderator_user, rejected, reason="مكرر")
        deleted = make_reply(author.id, public, body=f"رد محذوف عن {WORD}")
        actions.delete_post(moderator_user, deleted)
        hidden = make_reply(author.id, public, body=f"رد مخفي عن {WORD}")
        moderation.hide_post(moderator_user, hidden)
        gone = make_thread(author.id, title=f"موضوع محذوف عن {WORD}")
        actions.delete_thread(moderator_user, gone)
        db.session.commit()
        return {"public": public.first_post_id, "restricted": restricted.first_post_id,
                "pending": pending.first_post_id, "rejected": rejected.first_post_id,
                "deleted": deleted.id, "hidden": hidden.id, "gone": gone.first_post_id,
                "author": author}  # fmt: skip


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("visitor", {"public"}),
        ("member", {"public"}),
        ("other_task_force_member", {"public"}),
        ("task_force_member", {"public", "restricted"}),
        ("moderator", {"public", "restricted"}),  # moderates the restricted board too
    ],
)
def test_each_reader_finds_only_what_they_may_read(app, request, hidden_and_shown, role, sees):
    person = None if role == "visitor" else request.getfixturevalue(role)
    with app.test_request_context():
        ids = set(found(as_user(person), WORD))
    assert ids == {hidden_and_shown[name] for name in sees}


def test_the_count_and_the_pages_do_not_leak(app, client, hidden_and_shown):
    page = client.get(f"/search?q={WORD}").get_data(as_text=True)
    assert "مشاركة واحدة تطابق البحث." in page  # one post: the others are not counted
    for secret in ("السرية", "المعلق", "المرفوض", "رد محذوف", "رد مخفي", "موضوع محذوف"):
        assert secret not in page
    assert client.get(f"/search?q={WORD}&page=2").status_code == 404


def test_a_move_an_approval_a_delete_and_a_restore_need_no_reindex(app, member, moderator):
    with app.app_context():
        author = make_person()
        thread = make_thread(author.id, title=f"{WORD} للنقل")
        pending = make_thread(author.id, title=f"{WORD} ينتظر", published=False)
        thread_id, pending_id = thread.id, pending.id
        post_ids = {thread.first_post_id, pending.first_post_id}

    def visitor_finds():
        with app.test_request_context():
            return set(found(None, WORD))

    def change(step):
        with app.app_context():
            step(as_user(moderator), db.session.get(Thread, thread_id))
            db.session.commit()

    assert visitor_finds() == post_ids - {max(post_ids)}
    with app.app_context():
        moderation.approve_thread(as_user(moderator), db.session.get(Thread, pending_id))
        db.session.commit()
    assert visitor_finds() == post_ids
    change(lambda mod, t: moderation.move_thread(mod, t, board_by_slug(RESTRICTED)))
    assert len(visitor_finds()) == 1
    change(lambda mod, t: moderation.move_thread(mod, t, board_by_slug("financial-management")))
    assert visitor_finds() == post_ids
    change(lambda mod, t: actions.delete_thread(mod, t))
    assert len(visitor_finds()) == 1
    change(lambda mod, t: actions.restore_thread(mod, t))
    assert visitor_finds() == post_ids


# The index follows every text change, in the writer's transaction ----------------------------


def test_an_edit_replaces_the_words_of_a_post_and_of_a_title(app, member):
    with app.app_context():
        thread = make_thread(member.id, title="عنوان قديم للموضوع", body=f"نص فيه {WORD}")
        post_id, thread_id = thread.first_post_id, thread.id
        actions.edit_post(as_user(member), db.session.get(Post, post_id),
                          body="نص جديد عن التشجير", title="عنوان عن الحدائق")  # fmt: skip
        with app.test_request_context():
            # Before the commit, in the same transaction: the search sees the new text.
            assert found(None, "التشجير") == [post_id]
        db.session.commit()
    with app.test_request_context():
        assert found(None, WORD) == []
        assert found(None, "قديم") == []
        assert found(None, "الحدائق") == [post_id]
        assert found(None, "التشجير") == [post_id]
        assert search.suggest_titles(search.parse("حدائق"), None) == [
            (thread_id, "عنوان عن الحدائق")
        ]


def test_a_rolled_back_write_leaves_the_index_as_it_was(app, member):
    with app.app_context():
        thread = make_thread(member.id, title="موضوع ثابت", body=f"عن {WORD}")
        post = db.session.get(Post, thread.first_post_id)
        post_id = post.id
        actions.edit_post(as_user(member), post, body="عن التشجير")
        db.session.flush()
        db.session.rollback()
    with app.test_request_context():
        assert found(None, WORD) == [post_id]
        assert found(None, "التشجير") == []


def test_bulk_statements_through_the_session_are_indexed_too(app, member):
    with app.app_context():
        thread = make_thread(member.id, title="موضوع للتعديل الجماعي", body="نص أول")
        post_id, thread_id = thread.first_post_id, thread.id
        db.session.execute(
            update(Post).where(Post.id == post_id).values(body_html=f"<p>{WORD}</p>")
        )
        db.session.execute(update(Thread).where(Thread.id == thread_id).values(title="التشجير"))
        db.session.commit()
    with app.test_request_context():
        assert found(None, WORD) == [post_id]
        assert found(None, "التشجير") == [post_id]
        assert found(None, "الجماعي") == []


def test_a_change_to_more_threads_than_a_statement_takes_is_indexed_in_batches(app, member):
    """A statement takes at most 65,535 parameters on PostgreSQL: the opening posts of the
    threads a transaction retitled are looked up a batch at a time."""
    with app.app_context():
        thread = make_thread(member.id, title="موضوع", body="نص")
        db.session.execute(update(Thread).where(Thread.id == thread.id).values(title="التشجير"))
        # As if the same statement had reached 70,000 threads (ids that do not exist).
        search.index._pending(db.session)["threads"].update(range(10**9, 10**9 + 70_000))
        db.session.commit()
        opening = thread.first_post_id
    with app.test_request_context():
        assert found(None, "التشجير") == [opening]


def test_recounting_the_counters_leaves_the_index_alone(app, runner, member):
    """`flask forum recount` sets every thread's counters in one statement; none of them is in
    the index, so it writes nothing there (it used to reindex every opening post, and failed
    on PostgreSQL past 65,535 threads)."""
    with app.app_context():
        make_thread(member.id, title="موضوع", body=f"عن {WORD}")
        db.session.commit()
    written = []

    def note(_connection, _cursor, statement, *_rest):
        if schema.TABLE in statement and not statement.lstrip().upper().startswith("SELECT"):
            written.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", note)
    try:
        result = runner.invoke(args=["forum", "recount"])
    finally:
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", note)
    assert result.exit_code == 0, result.output
    assert written == []


def test_reindex_rebuilds_the_index_with_a_progress_bar(app, runner, member):
    with app.app_context():
        post_id = make_thread(member.id, title="موضوع", body=f"عن {WORD}").first_post_id
        # Raw SQL, as a script outside the application would write: the index does not hear.
        db.session.execute(
            text("UPDATE posts SET body_html = '<p>التشجير</p>' WHERE id = :id"),
            {"id": post_id},
        )
        db.session.commit()
    with app.test_request_context():
        assert found(None, "التشجير") == []
    result = runner.invoke(args=["forum", "search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexing posts" in result.output and "Indexed" in result.output
    with app.test_request_context():
        assert found(None, "التشجير") == [post_id]
        assert found(None, WORD) == []
        indexed = db.session.execute(text(f"SELECT count(*) FROM {schema.TABLE}")).scalar()
        assert indexed == db.session.scalar(select(func.count()).select_from(Post))


# Filters, order and pages ------------------------------------------------------------------


def test_filters_narrow_the_results(app, member, other_member):
    with app.app_context():
        old = make_thread(member.id, title=f"{WORD} قديم", kind="question")
        new = make_thread(other_member.id, "public-relations", title=f"{WORD} جديد",
                          kind="success_story")  # fmt: skip
        old_post, new_post = db.session.get(Post, old.first_post_id), new.first_post_id
        old_post.created_at = utcnow() - timedelta(days=400)
        db.session.commit()
        old_id, board_id = old_post.id, board_by_slug("public-relations").id
        authority_id = db.session.get(User, member.id).authority_id
        other = make_person()  # no local authority
    with app.test_request_context():
        assert set(found(None, WORD)) == {old_id, new_post}
        assert found(None, WORD, board_id=board_id) == [new_post]
        assert found(None, WORD, kind="question") == [old_id]
        assert found(None, WORD, author_name=member.name) == [old_id]
        assert found(None, WORD, author_name=other.name) == []
        assert set(found(None, WORD, authority_id=authority_id)) == {old_id, new_post}
        assert found(None, WORD, since=(utcnow() - timedelta(days=30)).date()) == [new_post]
        assert found(None, WORD, until=(utcnow() - timedelta(days=30)).date()) == [old_id]
        by_date = search.find(None, search.parse(WORD), order="date").ranked
        assert by_date == [new_post, old_id]


def test_relevance_puts_a_title_match_before_a_body_match(app, member):
    with app.app_context():
        in_body = make_thread(member.id, title="موضوع عادي", body=f"في النص {WORD}")
        in_title = make_thread(member.id, title=f"{WORD} في العنوان", body="نص عادي")
        expected = [in_title.first_post_id, in_body.first_post_id]
    with app.test_request_context():
        assert found(None, WORD) == expected


def test_the_page_pages_through_the_results(app, client, member):
    app.config["SEARCH_RESULTS_PER_PAGE"] = 2
    with app.app_context():
        thread = make_thread(member.id, title="موضوع", body=WORD)
        for _ in range(2):
            make_reply(member.id, thread, body=f"رد عن {WORD}")
    first = client.get(f"/search?q={WORD}&order=date").get_data(as_text=True)
    second = client.get(f"/search?q={WORD}&order=date&page=2").get_data(as_text=True)
    assert first.count('class="search-hit"') == 2 and second.count('class="search-hit"') == 1
    assert "page=2" in first and "order=date" in first
    assert client.get(f"/search?q={WORD}&page=3").status_code == 404


# The search page -----------------------------------------------------------------------------


def test_the_page_marks_the_matched_words_and_escapes_everything_else(app, client, member):
    with app.app_context():
        make_thread(member.id, title="<b>عنوان</b> عن البلدية",
                    body="<script>alert(1)</script> وللبلديّة تجربة")  # fmt: skip
    page = client.get("/search?q=بلدية").get_data(as_text=True)
    assert "<mark>وللبلديّة</mark>" in page
    assert "<mark>البلدية</mark>" in page
    assert "<script>alert" not in page and "<b>عنوان" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


HOSTILE = [
    '"', "'", "*", "-", "--", "()", "(((", ")", "NEAR", "NEAR(a b)", "a AND", "OR OR", "NOT",
    "-البلدية", "البلدية*", '"البلدية', "بلد^2", "title:x", "{title}: x", "a:b", "\\", "%", "_",
    "؟؟؟", "،", "\x00", "a\x00b", "' OR 1=1 --", "x" * 5000, "البلدية " * 300, "ـــ", "ً",
]  # fmt: skip


@pytest.mark.parametrize("typed", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_get_an_answer_not_an_error(client, typed):
    # A control character is refused for every address, search included (forum.inputs): a
    # localised 400, never a 500.
    expected = 400 if "\x00" in typed else 200
    response = client.get("/search", query_string={"q": typed})
    assert response.status_code == expected
    assert client.get("/search/titles", query_string={"q": typed}).status_code == expected


def test_a_query_without_words_is_told_so(client):
    page = client.get("/search?q=...%20!!").get_data(as_text=True)
    assert "اكتب كلمة للبحث عنها" in page
    assert "اكتب كلمة للبحث عنها" not in client.get("/search?q=كلمة").get_data(as_text=True)


def test_a_long_query_is_cut_and_says_so(app, client, member):
    with app.app_context():
        make_thread(member.id, title=f"{WORD} أ ب", body="نص")
    words = " ".join([WORD] + [f"كلمة{n}" for n in range(20)])
    page = client.get("/search", query_string={"q": words}).get_data(as_text=True)
    assert "كلمات فقط من عبارة البحث" in page
    page = client.get("/search", query_string={"q": WORD}).get_data(as_text=True)
    assert "كلمات فقط من عبارة البحث" not in page


def test_search_pages_are_never_cached_and_record_nothing(app, client, member, login, caplog):
    with app.app_context():
        make_thread(member.id, title=f"{WORD} عام")
    login(member)
    with app.app_context():
        tables = db.metadata.sorted_tables
        before = {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in tables}
    caplog.set_level(logging.DEBUG)
    for _ in range(2):
        response = app.test_client().get(f"/search?q={WORD}")
        assert "X-Page-Cache" not in response.headers
        assert client.get(f"/search?q={WORD}").status_code == 200
    with app.app_context():
        after = {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in tables}
    assert after == before
    assert WORD not in caplog.text


def test_every_page_has_the_search_box(client):
    page = client.get("/").get_data(as_text=True)
    assert 'role="search"' in page and 'action="/search"' in page


# Similar threads and title suggestions -------------------------------------------------------


def test_similar_threads_are_those_the_reader_may_see(app, client, member, task_force_member):
    with app.app_context():
        here = make_thread(member.id, title="كيف نرفع نسبة تحصيل رسوم النفايات")
        older = make_thread(member.id, title="تحصيل الرسوم من المحلات التجارية")
        make_thread(task_force_member.id, RESTRICTED, title="تحصيل الرسوم السري")
        make_thread(member.id, title="تحصيل الرسوم المعلق", published=False)
        make_thread(member.id, title="موضوع آخر تماماً")
        here_id, older_id = here.id, older.id
    page = client.get(f"/t/{here_id}").get_data(as_text=True)
    assert "تحصيل الرسوم من المحلات التجارية" in page and f"/t/{older_id}" in page
    for absent in ("السري", "المعلق", "موضوع آخر"):
        assert absent not in page


def test_a_cached_thread_page_gets_a_new_similar_thread(app, client, member):
    """The visitor's copy is exact: a new thread with a like title drops it; a reply does not."""
    with app.app_context():
        here = make_thread(member.id, title="تجربة الموازنة التشاركية")
        elsewhere = make_thread(member.id, title="صيانة الطرق")
        here_id, elsewhere_id = here.id, elsewhere.id
    assert client.get(f"/t/{here_id}").headers["X-Page-Cache"] == "miss"
    with app.app_context():
        make_reply(member.id, db.session.get(Thread, elsewhere_id), body="رد")
    assert client.get(f"/t/{here_id}").headers["X-Page-Cache"] == "hit"
    with app.app_context():
        make_thread(member.id, title="الموازنة التشاركية في القرى")
    page = client.get(f"/t/{here_id}")
    assert page.headers["X-Page-Cache"] == "miss"
    assert "الموازنة التشاركية في القرى" in page.get_data(as_text=True)


def test_title_suggestions_as_json(app, client, member, task_force_member):
    with app.app_context():
        shown = make_thread(member.id, title="ترخيص الأبنية إلكترونياً").id
        make_thread(task_force_member.id, RESTRICTED, title="ترخيص الأبنية السري")
    answer = client.get("/search/titles?q=ترخيص الابنيه").json
    assert answer == {"threads": [{"title": "ترخيص الأبنية إلكترونياً", "url": f"/t/{shown}"}]}
    assert client.get("/search/titles?q=تر").json == {"threads": []}


def test_the_new_thread_form_loads_the_suggestions_script(client, login, member):
    login(member)
    page = client.get("/t/new?board=financial-management").get_data(as_text=True)
    assert "js/suggest-titles.js" in page and 'data-source="/search/titles"' in page
    assert "<script>" not in page  # no inline script: the page keeps working under a strict CSP
