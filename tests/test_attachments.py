"""Attachments: typed by content, re-encoded, stored once by hash, read through the policy."""

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from forum.attachments import actions, storage
from forum.clock import utcnow
from forum.extensions import db
from forum.models import Attachment, ModerationLog, Post, Thread, User
from tests import attachment_files as files
from tests.factories import csrf_token, make_person, make_reply, make_thread

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, data, name):
    token = csrf_token(client, "/settings")
    return client.post(
        "/attachments",
        data={"file": (io.BytesIO(data), name), "csrf_token": token},
        content_type="multipart/form-data",
        headers={"Accept": "application/json"},
    )


def reply_with(client, thread_id, body, *, upload_ids=(), sent=()):
    token = csrf_token(client, f"/t/{thread_id}/reply")
    data = {"body": body, "csrf_token": token, "upload_ids": [str(i) for i in upload_ids]}
    if sent:
        data["attachments"] = [(io.BytesIO(content), name) for content, name in sent]
    return client.post(f"/t/{thread_id}/reply", data=data, content_type="multipart/form-data")


@pytest.fixture
def thread_id(app, other_member):
    with app.app_context():
        return make_thread(other_member.id, title="موضوع الملفات").id


def _attachment(app, attachment_id):
    with app.app_context():
        return db.session.get(Attachment, attachment_id)


# Real files ---------------------------------------------------------------------------------


def test_a_pdf_is_uploaded_attached_and_sent_inert(app, client, login, member, thread_id):
    login(member)
    answer = upload(client, files.pdf(), "تقرير الموازنة.pdf")
    assert answer.status_code == 201, answer.get_data(True)
    uploaded = answer.get_json()
    assert uploaded["name"] == "تقرير الموازنة.pdf"
    # Staged: its uploader reads it, nobody else.
    assert client.get(f"/attachments/{uploaded['id']}").status_code == 200
    assert app.test_client().get(f"/attachments/{uploaded['id']}").status_code == 404

    response = reply_with(client, thread_id, "التقرير مرفق", upload_ids=[uploaded["id"]])
    assert response.status_code == 302
    found = _attachment(app, uploaded["id"])
    assert found.post_id is not None and found.thread_id == thread_id

    download = app.test_client().get(f"/attachments/{uploaded['id']}")
    assert download.status_code == 200
    assert download.data == files.pdf()
    assert download.mimetype == "application/pdf"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%D8%AA%D9%82%D8%B1%D9%8A%D8%B1" in disposition
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"

    page = app.test_client().get(f"/t/{thread_id}").get_data(True)
    assert f'href="/attachments/{uploaded["id"]}"' in page
    assert "<bdi>تقرير الموازنة.pdf</bdi>" in page


def test_a_download_resumes_from_where_it_stopped(app, client, login, member, thread_id):
    """A phone on a weak line asks for the rest of a file (Range), and its ETag says whether
    the rest still belongs to the same file."""
    login(member)
    uploaded = upload(client, files.pdf(), "تقرير.pdf").get_json()
    reply_with(client, thread_id, "التقرير مرفق", upload_ids=[uploaded["id"]])
    reader, whole = app.test_client(), files.pdf()
    first = reader.get(f"/attachments/{uploaded['id']}")
    assert first.headers["Accept-Ranges"] == "bytes"
    rest = reader.get(f"/attachments/{uploaded['id']}", headers={
        "Range": "bytes=100-", "If-Range": first.headers["ETag"]})  # fmt: skip
    assert rest.status_code == 206
    assert rest.headers["Content-Range"] == f"bytes 100-{len(whole) - 1}/{len(whole)}"
    assert rest.data == whole[100:]
    stale = reader.get(f"/attachments/{uploaded['id']}",
                       headers={"Range": "bytes=100-", "If-Range": '"another-file"'})  # fmt: skip
    assert stale.status_code == 200 and stale.data == whole


def test_an_xlsx_made_by_openpyxl_is_a_spreadsheet(client, login, member):
    login(member)
    answer = upload(client, files.xlsx(), "budget.xlsx")
    assert answer.status_code == 201, answer.get_data(True)
    assert answer.get_json()["type"] in ("Excel spreadsheet", "جدول Excel")
    refused = upload(client, files.xlsx(), "budget.docx")
    assert refused.status_code == 422
    assert ".docx" in refused.get_json()["error"]


def test_a_photo_loses_its_gps_and_stands_upright(app, client, login, member):
    original = files.jpeg_with_gps((64, 48))
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the control: GPS there
    login(member)
    answer = upload(client, original, "photo.jpg")
    assert answer.status_code == 201, answer.get_data(True)
    stored = client.get(f"/attachments/{answer.get_json()['id']}")
    assert stored.headers["Content-Disposition"].startswith("inline;")
    image = Image.open(io.BytesIO(stored.data))
    assert image.format == "JPEG"
    assert image.size == (48, 64)  # orientation 6 applied
    exif = image.getexif()
    assert not exif.get_ifd(0x8825) and 0x010F not in exif and 0x0112 not in exif
    thumbnail = client.get(answer.get_json()["thumbnail"])
    assert thumbnail.status_code == 200 and thumbnail.mimetype == "image/jpeg"


def test_the_same_file_twice_is_stored_once(app, client, login, member):
    login(member)
    first = upload(client, files.pdf(), "a.pdf").get_json()
    second = upload(client, files.pdf(), "b.pdf").get_json()
    assert first["id"] != second["id"]
    with app.app_context():
        hashes = list(storage.stored_hashes())
        assert len(hashes) == 1
        assert _attachment(app, first["id"]).sha256 == hashes[0]
        # Named by its hash, never by a member's name.
        assert [p.name for p in storage.root().rglob("*") if p.is_file()] == hashes


# Hostile files ------------------------------------------------------------------------------

HOSTILE = {
    "php and html named .pdf": (files.PHP_AS_PDF, "invoice.pdf"),
    "svg with a script": (files.SVG_WITH_SCRIPT, "logo.svg"),
    "svg named .txt": (files.SVG_WITH_SCRIPT, "notes.txt"),
    "zip bomb": (files.zip_bomb(), "report.xlsx"),
    "decompression-bomb png": (files.bomb_png(), "map.png"),
    "empty file": (b"", "empty.pdf"),
    "png named .pdf": (files.png(), "scan.pdf"),
    "binary": (bytes(range(256)) * 4, "data.bin"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_file_is_refused_with_a_reason(app, client, login, member, name):
    data, filename = HOSTILE[name]
    login(member)
    answer = upload(client, data, filename)
    assert answer.status_code == 422, name
    assert answer.get_json()["error"]
    with app.app_context():
        assert db.session.scalar(select(Attachment.id)) is None
        assert list(storage.stored_hashes()) == []


@pytest.mark.app_config(ATTACHMENT_MAX_FILE_BYTES=1000)
def test_a_file_over_the_limit_is_refused(client, login, member):
    login(member)
    answer = upload(client, b"x" * 1001, "big.txt")
    assert answer.status_code == 422
    assert upload(client, b"x" * 1000, "fits.txt").status_code == 201


def test_a_name_cannot_escape_or_disguise_itself(app, client, login, member):
    login(member)
    answer = upload(client, files.pdf(), "../../etc/\u202egpj.exe\u202c.pdf")
    assert answer.status_code == 201, answer.get_data(True)
    name = answer.get_json()["name"]
    assert name == "gpj.exe.pdf"
    assert "/" not in name and "\u202e" not in name
    with app.app_context():
        assert all(storage.root() in p.parents for p in storage.root().rglob("*"))


# The policy ---------------------------------------------------------------------------------


def test_a_restricted_boards_file_is_404_outside_it(
    app, client, login, task_force_member, member, moderator
):
    login(task_force_member)
    with app.app_context():
        thread = make_thread(task_force_member.id, "tf-financial-experts", title="سر الفريق")
        thread_id = thread.id
    uploaded = upload(client, files.png(), "خريطة.png").get_json()
    assert reply_with(client, thread_id, "الخريطة", upload_ids=[uploaded["id"]]).status_code == 302
    sha256 = _attachment(app, uploaded["id"]).sha256
    for url in (f"/attachments/{uploaded['id']}", f"/attachments/{uploaded['id']}/thumbnail"):
        assert client.get(url).status_code == 200
        assert app.test_client().get(url).status_code == 404
        assert login(member, on=app.test_client()).get(url).status_code == 404
        assert login(moderator, on=app.test_client()).get(url).status_code == 200
    # Guessed ids and hashes: nothing answers but 404.
    for url in (f"/attachments/{uploaded['id'] + 1}", f"/attachments/{sha256}",
                f"/uploads/{sha256[:2]}/{sha256[2:4]}/{sha256}"):  # fmt: skip
        assert login(member, on=app.test_client()).get(url).status_code == 404


def test_a_staged_upload_is_its_uploaders_alone(app, client, login, member, other_member):
    login(member)
    uploaded = upload(client, files.pdf(), "a.pdf").get_json()
    other = login(other_member, on=app.test_client())
    assert other.get(f"/attachments/{uploaded['id']}").status_code == 404
    # Nor can another member send it with their post.
    with app.app_context():
        thread_id = make_thread(other_member.id).id
    assert reply_with(other, thread_id, "ملفي", upload_ids=[uploaded["id"]]).status_code == 302
    assert _attachment(app, uploaded["id"]).post_id is None


def test_hiding_or_deleting_a_post_hides_its_files(app, client, login, member, thread_id):
    login(member)
    uploaded = upload(client, files.pdf(), "a.pdf").get_json()
    reply_with(client, thread_id, "رد", upload_ids=[uploaded["id"]])
    url = f"/attachments/{uploaded['id']}"
    visitor = app.test_client()
    assert visitor.get(url).status_code == 200
    with app.app_context():
        post = db.session.get(Post, _attachment(app, uploaded["id"]).post_id)
        post.hidden_at = utcnow()
        db.session.commit()
    assert visitor.get(url).status_code == 404
    with app.app_context():
        post = db.session.get(Post, _attachment(app, uploaded["id"]).post_id)
        post.hidden_at, post.deleted_at = None, utcnow()
        db.session.commit()
    assert visitor.get(url).status_code == 404


def test_the_plain_form_sends_files_without_javascript(app, client, login, member, thread_id):
    login(member)
    response = reply_with(client, thread_id, "صورة الموقع", sent=[(files.png(), "موقع.png")])
    assert response.status_code == 302
    with app.app_context():
        attachment = db.session.scalar(select(Attachment))
        assert attachment.original_name == "موقع.png" and attachment.post_id
    page = client.get(f"/t/{thread_id}").get_data(True)
    assert f'src="/attachments/{attachment.id}/thumbnail"' in page


def test_a_refused_file_keeps_the_form_and_posts_nothing(app, client, login, member, thread_id):
    login(member)
    response = reply_with(client, thread_id, "نص", sent=[(files.SVG_WITH_SCRIPT, "x.svg")])
    assert response.status_code == 422
    assert "x.svg" in response.get_data(True)
    with app.app_context():
        assert db.session.get(Thread, thread_id).reply_count == 0


def test_a_file_kept_by_a_refused_form_can_be_left_out_without_javascript(
    app, client, login, member, thread_id
):
    login(member)
    sent = [(files.png(), "موقع.png"), (files.pdf(), "تقرير.pdf")]
    refused = reply_with(client, thread_id, "", sent=sent)  # no text: the form comes back
    assert refused.status_code == 422
    page = refused.get_data(True)
    with app.app_context():
        staged = {a.original_name: a.id for a in db.session.scalars(select(Attachment))}
    for upload_id in staged.values():
        assert f'name="upload_ids" value="{upload_id}"' in page
        assert f'name="remove_upload" value="{upload_id}"' in page
    token = csrf_token(client, f"/t/{thread_id}/reply")
    response = client.post(f"/t/{thread_id}/reply", data={
        "body": "التقرير وحده", "csrf_token": token,
        "upload_ids": [str(i) for i in staged.values()],
        "remove_upload": [str(staged["موقع.png"])]})  # fmt: skip
    assert response.status_code == 302
    with app.app_context():
        posted = {a.original_name: a.post_id for a in db.session.scalars(select(Attachment))}
    assert posted["تقرير.pdf"] is not None and posted["موقع.png"] is None


def test_markdown_places_a_file_of_the_same_post_only(app, client, login, member, thread_id):
    login(member)
    mine = upload(client, files.png(), "a.png").get_json()
    reply_with(client, thread_id, "أولى", upload_ids=[mine["id"]])
    other = upload(client, files.pdf(), "b.pdf").get_json()
    body = f"![الخريطة](attachment:{other['id']}) ![سرقة](attachment:{mine['id']})"
    reply_with(client, thread_id, body, upload_ids=[other["id"]])
    with app.app_context():
        html = db.session.get(Post, _attachment(app, other["id"]).post_id).body_html
    assert f'<a href="/attachments/{other["id"]}"' in html and "الخريطة" in html
    # The other post's picture stays a caption: no image of another post is placed here.
    assert f"/attachments/{mine['id']}" not in html and "سرقة" in html


# Moderation and pruning ---------------------------------------------------------------------


def test_a_moderator_removes_one_file_with_a_reason(app, client, login, member, moderator,
                                                     thread_id):  # fmt: skip
    login(member)
    uploaded = upload(client, files.pdf(), "a.pdf").get_json()
    reply_with(client, thread_id, "رد", upload_ids=[uploaded["id"]])
    mod = login(moderator, on=app.test_client())
    page = mod.get(f"/t/{thread_id}").get_data(True)
    assert f"/mod/attachments/{uploaded['id']}/remove" in page
    url = f"/mod/attachments/{uploaded['id']}/remove"
    response = mod.post(url, data={"reason": "بيانات شخصية", "csrf_token": csrf_token(mod, url)})
    assert response.status_code == 302
    assert app.test_client().get(f"/attachments/{uploaded['id']}").status_code == 404
    with app.app_context():
        entry = db.session.scalar(select(ModerationLog).where(
            ModerationLog.action == "remove_attachment"))  # fmt: skip
        assert "بيانات شخصية" in entry.reason and entry.actor_id == moderator.id


def test_prune_removes_staged_uploads_and_unused_files(app, client, login, member, runner):
    login(member)
    uploaded = upload(client, files.pdf(), "a.pdf").get_json()
    with app.app_context():
        row = db.session.get(Attachment, uploaded["id"])
        row.created_at = utcnow() - timedelta(hours=25)
        db.session.commit()
    result = runner.invoke(args=["forum", "attachments", "prune", "--grace", "0"])
    assert result.exit_code == 0, result.output
    assert "1 staged uploads and 1 stored files" in result.output
    with app.app_context():
        assert db.session.get(Attachment, uploaded["id"]) is None
        assert list(storage.stored_hashes()) == []


def test_prune_keeps_files_in_use(app, client, login, member, thread_id):
    login(member)
    uploaded = upload(client, files.pdf(), "a.pdf").get_json()
    reply_with(client, thread_id, "رد", upload_ids=[uploaded["id"]])
    with app.app_context():
        assert actions.prune(utcnow() + timedelta(days=3)) == 0
        assert actions.sweep_blobs(0) == 0
        assert len(list(storage.stored_hashes())) == 1


@pytest.mark.committed
def test_a_backup_takes_the_files_along(app, tmp_path):
    runner = app.test_cli_runner()
    with app.app_context():
        author = make_person()
        sha256 = storage.save(files.pdf())
        thread = make_thread(author.id)
        make_reply(author.id, thread)
    backup_file = tmp_path / "forum.backup"
    assert runner.invoke(args=["forum", "backup", str(backup_file)]).exit_code == 0
    with app.app_context():
        storage.delete(sha256)
        assert not storage.path(sha256).is_file()
    result = runner.invoke(args=["forum", "restore", "--yes", str(backup_file)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert storage.path(sha256).read_bytes() == files.pdf()


def test_an_administrator_changes_the_types_and_limits(app, client, login, admin, member,
                                                       thread_id):  # fmt: skip
    login(admin)
    page = client.get("/admin/attachments")
    assert page.status_code == 200
    response = client.post("/admin/attachments", data={
        "types": ["pdf"], "max_file": "1", "max_post": "2", "max_daily": "3",
        "csrf_token": csrf_token(client, "/admin/attachments")})  # fmt: skip
    assert response.status_code == 302
    uploader = login(member, on=app.test_client())
    refused = upload(uploader, files.png(), "a.png")
    assert refused.status_code == 422
    assert upload(uploader, files.pdf(), "a.pdf").status_code == 201
    # The forms offer what is accepted now, and say so in the member's language.
    form = uploader.get(f"/t/{thread_id}/reply").get_data(True)
    assert 'accept=".pdf"' in form
    assert "مقبول: مستند PDF؛ حتى 1 ميغابايت للملف الواحد." in form


@pytest.mark.app_config(ATTACHMENT_SEND_FILE="x-accel")
def test_nginx_sends_the_bytes_once_flask_has_said_who_may(app, client, login, member,
                                                           thread_id):  # fmt: skip
    login(member)
    uploaded = upload(client, files.pdf(), "a.pdf").get_json()
    reply_with(client, thread_id, "رد", upload_ids=[uploaded["id"]])
    sha256 = _attachment(app, uploaded["id"]).sha256
    response = app.test_client().get(f"/attachments/{uploaded['id']}")
    assert response.headers["X-Accel-Redirect"] == f"/_uploads/{sha256[:2]}/{sha256[2:4]}/{sha256}"
    assert response.data == b""
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    with app.app_context():
        db.session.get(Post, _attachment(app, uploaded["id"]).post_id).deleted_at = utcnow()
        db.session.commit()
    refused = app.test_client().get(f"/attachments/{uploaded['id']}")
    assert refused.status_code == 404 and "X-Accel-Redirect" not in refused.headers


def test_the_author_removes_a_file_when_editing(app, client, login, member, thread_id):
    login(member)
    uploaded = upload(client, files.pdf(), "a.pdf").get_json()
    reply_with(client, thread_id, "رد", upload_ids=[uploaded["id"]])
    post_id = _attachment(app, uploaded["id"]).post_id
    url = f"/p/{post_id}/edit"
    page = client.get(url).get_data(True)
    assert f'name="remove_attachment" value="{uploaded["id"]}"' in page
    response = client.post(url, data={"body": "رد", "remove_attachment": str(uploaded["id"]),
                                      "csrf_token": csrf_token(client, url)})  # fmt: skip
    assert response.status_code == 302
    assert _attachment(app, uploaded["id"]).removed_at is not None
    assert client.get(f"/attachments/{uploaded['id']}").status_code == 404
    with app.app_context():  # her own edit: nothing for the moderation log
        assert db.session.scalar(select(ModerationLog.id)) is None


@pytest.mark.app_config(ATTACHMENT_MAX_FILE_BYTES=1400, ATTACHMENT_MAX_POST_BYTES=1400,
                        MAX_CONTENT_LENGTH=1500)  # fmt: skip
def test_a_request_past_the_upload_limit_is_413(client, login, member):
    login(member)
    assert upload(client, b"x" * 5000, "big.txt").status_code == 413
    # The upload takes more than MAX_CONTENT_LENGTH, the file and its form around it.
    assert upload(client, b"x" * 1400, "fits.txt").status_code == 201


def test_moderators_see_the_files_in_the_queue(app, login, member, moderator):
    with app.app_context():
        thread = make_thread(member.id, title="موضوع بملف", published=False)
        author = db.session.get(User, member.id)
        uploaded = actions.upload(author, io.BytesIO(files.pdf()), "خطة.pdf")
        actions.attach(author, thread.first_post, [uploaded])
        db.session.commit()
        attachment_id = uploaded.id
    page = login(moderator, on=app.test_client()).get("/mod/queue").get_data(True)
    assert f'href="/attachments/{attachment_id}"' in page and "<bdi>خطة.pdf</bdi>" in page
    # Waiting for approval: nobody but its author and the moderators reads the file.
    assert app.test_client().get(f"/attachments/{attachment_id}").status_code == 404
