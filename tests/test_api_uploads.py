"""Files through the API (forum.api.uploads): uploaded with the web's checks and limits, then
attached by id to a new thread, a reply or an edit, in the post's own transaction."""

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from forum.attachments import storage
from forum.extensions import db
from forum.models import Attachment, Post, Thread, User
from tests import attachment_files as files
from tests.api_helpers import call, make_token
from tests.factories import make_thread

THREADS = "/api/v1/boards/financial-management/threads"


def upload(client, token, data, name, **options):
    """POST /api/v1/uploads with one file, as a script sends it (multipart/form-data)."""
    return call(client, "POST", "/api/v1/uploads", token, data={"file": (io.BytesIO(data), name)},
                content_type="multipart/form-data", **options)  # fmt: skip


def _error(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


def _attachment(app, attachment_id):
    with app.app_context():
        return db.session.get(Attachment, attachment_id)


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def secret(app, member):
    """A read-and-write token of a trusted member (her posts are published at once)."""
    with app.app_context():
        db.session.get(User, member.id).approved_post_count = 10
        db.session.commit()
        return make_token(member.id)


@pytest.fixture
def others_secret(app, other_member):
    with app.app_context():
        return make_token(other_member.id)


@pytest.fixture
def thread_id(app, other_member):
    with app.app_context():
        return make_thread(other_member.id, title="موضوع للملفات").id


def test_a_pdf_and_a_photo_go_with_a_new_thread_and_a_reply(app, client, secret):
    pdf = upload(client, secret, files.pdf(), "تقرير الموازنة.pdf")
    assert pdf.status_code == 201, pdf.get_data(as_text=True)
    document = pdf.get_json()
    assert document["name"] == "تقرير الموازنة.pdf" and document["media_type"] == "application/pdf"
    assert document["is_image"] is False and document["thumbnail_url"] is None
    assert document["markdown"] == f"![تقرير الموازنة.pdf](attachment:{document['id']})"
    original = files.png_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the control: GPS there
    photo = upload(client, secret, original, "موقع.png").get_json()
    assert photo["media_type"] == "image/png" and photo["is_image"] is True
    assert photo["thumbnail_url"].endswith(f"/attachments/{photo['id']}/thumbnail")
    # Staged, not yet on any post.
    assert _attachment(app, document["id"]).post_id is None

    made = call(client, "POST", THREADS, secret, json={
        "title": "تقرير الموازنة السنوي", "body": f"التقرير:\n\n{document['markdown']}",
        "attachments": [document["id"]],
    })  # fmt: skip
    assert made.status_code == 201, made.get_data(as_text=True)
    thread = made.get_json()
    replied = call(client, "POST", f"/api/v1/threads/{thread['id']}/posts", secret,
                   json={"body": "الصورة", "attachments": [photo["id"]]})  # fmt: skip
    assert replied.status_code == 201, replied.get_data(as_text=True)
    reply = replied.get_json()
    assert [(f["id"], f["name"]) for f in reply["attachments"]] == [(photo["id"], "موقع.png")]

    shown = call(client, "GET", f"/api/v1/threads/{thread['id']}").get_json()["posts"]
    assert [[f["id"] for f in post["attachments"]] for post in shown] == [
        [document["id"]], [photo["id"]]
    ]  # fmt: skip
    assert f"/attachments/{document['id']}" in shown[0]["body_html"]  # placed in its text
    page = client.get(f"/t/{thread['id']}").get_data(as_text=True)
    assert f"/attachments/{document['id']}" in page and f"/attachments/{photo['id']}" in page
    assert "تقرير الموازنة.pdf" in page and "موقع.png" in page
    # The stored picture is a new one: no GPS, no camera.
    stored = Image.open(io.BytesIO(client.get(f"/attachments/{photo['id']}").data))
    assert stored.format == "PNG"
    assert not stored.getexif().get_ifd(0x8825) and 0x010F not in stored.getexif()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Web pages, SVG pictures and scripts are not accepted."),
        ("ar", "لا تُقبل صفحات الويب ولا صور SVG ولا البرامج النصية."),
    ],  # fmt: skip
)
def test_a_hostile_file_is_refused_in_the_callers_language(app, client, secret, language,
                                                           expected):  # fmt: skip
    refused = upload(client, secret, files.PHP_AS_PDF, "invoice.pdf",
                     headers={"Accept-Language": language})  # fmt: skip
    error = _error(refused, 422)
    assert error["code"] == "invalid" and list(error["fields"]) == ["file"]
    assert error["fields"]["file"] == [expected]
    assert _count(app, Attachment) == 0
    with app.app_context():
        assert list(storage.stored_hashes()) == []


@pytest.mark.app_config(ATTACHMENT_MAX_FILE_BYTES=1000)
def test_a_file_past_the_per_file_limit_is_413(app, client, secret):
    error = _error(upload(client, secret, b"x" * 1001, "big.txt"), 413)
    assert error["code"] == "too_large" and error["fields"]["file"] == [error["message"]]
    assert _count(app, Attachment) == 0
    assert upload(client, secret, b"x" * 1000, "fits.txt").status_code == 201


@pytest.mark.app_config(ATTACHMENT_MAX_FILE_BYTES=1400, ATTACHMENT_MAX_POST_BYTES=1400,
                        MAX_CONTENT_LENGTH=1500)  # fmt: skip
def test_a_body_past_the_upload_limit_is_413_in_the_apis_shape(app, client, secret):
    """Refused before it is read (forum.inputs), and still answered as the API answers."""
    assert _error(upload(client, secret, b"x" * 5000, "big.txt"), 413)["code"] == "too_large"
    assert _count(app, Attachment) == 0


def test_an_upload_is_not_held_to_the_json_body_limit(app, client, secret):
    big = b"x" * (app.config["API_MAX_BODY_BYTES"] + 50_000)
    answer = upload(client, secret, big, "long.txt")
    assert answer.status_code == 201, answer.get_data(as_text=True)
    assert answer.get_json()["size"] == len(big)
    # JSON is held to it still.
    body = {"title": "عنوان طويل", "body": "x" * app.config["API_MAX_BODY_BYTES"]}
    assert call(client, "POST", THREADS, secret, json=body).status_code == 413


@pytest.mark.app_config(ATTACHMENT_MAX_DAILY_BYTES=1500)
def test_the_daily_limit_holds_for_uploads_by_api(client, secret):
    assert upload(client, secret, b"x" * 1000, "a.txt").status_code == 201
    error = _error(upload(client, secret, b"y" * 1000, "b.txt"), 422)
    assert error["fields"]["file"]


@pytest.mark.app_config(ATTACHMENT_MAX_DAILY_BYTES=1500)
def test_taking_an_upload_back_does_not_refill_the_day(client, secret):
    first = upload(client, secret, b"x" * 1000, "a.txt").get_json()
    taken_back = call(client, "DELETE", f"/api/v1/uploads/{first['id']}", secret)
    assert taken_back.status_code == 200
    # The server did the work: the day's limit still counts it.
    assert _error(upload(client, secret, b"y" * 1000, "b.txt"), 422)["fields"]["file"]
    # And it is gone for its owner.
    assert call(client, "DELETE", f"/api/v1/uploads/{first['id']}", secret).status_code == 404


def test_a_read_only_token_and_no_token_upload_nothing(app, client, member):
    with app.app_context():
        reader = make_token(member.id, scopes=("read",))
    forbidden = _error(upload(client, reader, files.pdf(), "a.pdf"), 403)
    assert forbidden["code"] == "insufficient_scope"
    assert _error(upload(client, None, files.pdf(), "a.pdf"), 401)["code"] == "unauthenticated"
    assert _count(app, Attachment) == 0


def test_an_upload_without_a_file_is_422(client, secret):
    sent = call(client, "POST", "/api/v1/uploads", secret, json={"file": "a.pdf"})
    assert _error(sent, 422)["fields"]["file"]


@pytest.mark.app_config(RATELIMIT_ENABLED=True, RATELIMIT_API="2 per minute")
def test_uploads_spend_the_api_budget(client, secret):
    assert call(client, "GET", "/api/v1/boards", secret).status_code == 200
    assert upload(client, secret, files.pdf(), "a.pdf").status_code == 201
    assert _error(upload(client, secret, files.pdf(), "b.pdf"), 429)


def test_only_the_callers_own_staged_uploads_can_be_attached(
    app, client, secret, others_secret, thread_id
):
    others = upload(client, others_secret, files.pdf(), "لغيري.pdf").get_json()
    mine = upload(client, secret, files.pdf(), "لي.pdf").get_json()
    threads_before = _count(app, Thread)
    refused = call(client, "POST", THREADS, secret, json={
        "title": "موضوع بملف غيري", "body": "نص", "attachments": [mine["id"], others["id"]],
    })  # fmt: skip
    error = _error(refused, 422)
    assert list(error["fields"]) == ["attachments"]
    assert str(others["id"]) in error["fields"]["attachments"][0]
    replied = call(client, "POST", f"/api/v1/threads/{thread_id}/posts", secret,
                   json={"body": "رد", "attachments": [others["id"]]})  # fmt: skip
    assert _error(replied, 422)["fields"]["attachments"]
    # Nothing was written, and both uploads are still staged for their owners.
    assert _count(app, Thread) == threads_before
    assert _count(app, Post) == threads_before  # the one opening post of each
    assert _attachment(app, others["id"]).post_id is None
    assert _attachment(app, mine["id"]).post_id is None
    # An upload already on a post cannot be attached again.
    first = call(client, "POST", f"/api/v1/threads/{thread_id}/posts", secret,
                 json={"body": "رد", "attachments": [mine["id"]]})  # fmt: skip
    assert first.status_code == 201
    again = call(client, "POST", f"/api/v1/threads/{thread_id}/posts", secret,
                 json={"body": "رد ثان", "attachments": [mine["id"]]})  # fmt: skip
    assert _error(again, 422)["fields"]["attachments"]


@pytest.mark.app_config(ATTACHMENT_MAX_FILES_PER_POST=1)
def test_the_per_post_limit_holds(app, client, secret, thread_id):
    ids = [upload(client, secret, files.pdf(), f"{n}.pdf").get_json()["id"] for n in (1, 2)]
    replied = call(client, "POST", f"/api/v1/threads/{thread_id}/posts", secret,
                   json={"body": "رد", "attachments": ids})  # fmt: skip
    assert "1" in _error(replied, 422)["fields"]["attachments"][0]
    assert _count(app, Post) == 1
    assert all(_attachment(app, number).post_id is None for number in ids)


def test_a_staged_upload_is_taken_back_by_its_owner_alone(
    app, client, secret, others_secret, thread_id
):
    mine = upload(client, secret, files.pdf(), "a.pdf").get_json()
    url = f"/api/v1/uploads/{mine['id']}"
    assert _error(call(client, "DELETE", url, others_secret), 404)["code"] == "not_found"
    assert _attachment(app, mine["id"]).removed_at is None
    assert call(client, "DELETE", url, secret).get_json() == {"done": True}
    assert _attachment(app, mine["id"]).removed_at is not None  # kept, removed, until pruned
    assert _error(call(client, "DELETE", url, secret), 404)
    # Once on a post it is no longer an upload to take back.
    attached = upload(client, secret, files.pdf(), "b.pdf").get_json()
    call(client, "POST", f"/api/v1/threads/{thread_id}/posts", secret,
         json={"body": "رد", "attachments": [attached["id"]]})  # fmt: skip
    assert _error(call(client, "DELETE", f"/api/v1/uploads/{attached['id']}", secret), 404)
    assert _attachment(app, attached["id"]).post_id is not None


def test_an_edit_adds_and_removes_files(app, client, secret, others_secret, thread_id):
    first = upload(client, secret, files.pdf(), "قديم.pdf").get_json()
    post = call(client, "POST", f"/api/v1/threads/{thread_id}/posts", secret,
                json={"body": "رد", "attachments": [first["id"]]}).get_json()  # fmt: skip
    url = f"/api/v1/posts/{post['id']}"
    added = upload(client, secret, files.png(), "جديد.png").get_json()
    # A file of another post, or an id that is no file of this one, is refused whole.
    other_post = upload(client, others_secret, files.pdf(), "x.pdf").get_json()
    wrong = call(client, "PATCH", url, secret, json={
        "body": "رد معدل", "attachments": [added["id"]], "remove_attachments": [other_post["id"]],
    })  # fmt: skip
    assert list(_error(wrong, 422)["fields"]) == ["remove_attachments"]
    assert _attachment(app, added["id"]).post_id is None
    assert _attachment(app, first["id"]).removed_at is None

    edited = call(client, "PATCH", url, secret, json={
        "body": "رد معدل", "attachments": [added["id"]], "remove_attachments": [first["id"]],
    })  # fmt: skip
    assert edited.status_code == 200, edited.get_data(as_text=True)
    assert [f["id"] for f in edited.get_json()["attachments"]] == [added["id"]]
    assert _attachment(app, first["id"]).removed_at is not None
    assert client.get(f"/attachments/{first['id']}").status_code == 404
    page = client.get(f"/t/{thread_id}").get_data(as_text=True)
    assert "جديد.png" in page and "قديم.pdf" not in page
    # An edit that sends no files keeps the post's.
    kept = call(client, "PATCH", url, secret, json={"body": "رد معدل ثانية"})
    assert [f["id"] for f in kept.get_json()["attachments"]] == [added["id"]]


def test_the_reference_page_shows_the_upload_body(client):
    page = client.get("/api/docs", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert 'المحتوى (multipart/form-data): ملف واحد في الحقل <code dir="ltr">file</code>.' in page
    assert "رفع ملف لمشاركة لم تُكتب بعد" in page
