"""Pages stay light: a long thread's HTML, the stylesheet, and static files kept for a year."""

from pathlib import Path

from sqlalchemy import select

from forum.extensions import db
from forum.models import Board
from tests import factories

BOARD = "financial-management"
LONG_BODY = (
    "نسبة التحصيل لدينا لا تتجاوز **40%**. هل جرّب أحدكم الربط مع فاتورة المياه أو الدفع "
    "الإلكتروني؟ في نابلس ربطنا الرسوم بفاتورة الكهرباء مسبقة الدفع، وارتفعت النسبة خلال سنة.\n\n"
    "* نشر التقارير المالية\n* لقاء شهري مع المواطنين\n\n"
) * 2


def test_a_twenty_post_thread_weighs_under_60_kb(app, client, login, member, other_member):
    with app.app_context():
        thread = factories.make_thread(member.id, BOARD, body=LONG_BODY)
        for number in range(19):
            factories.make_reply(other_member.id if number % 2 else member.id, thread,
                                 body=LONG_BODY)  # fmt: skip
        thread_id = thread.id
        assert db.session.scalar(select(Board.post_count).where(Board.slug == BOARD)) == 20
    assert len(client.get(f"/t/{thread_id}").data) < 60_000
    reader = login(member, on=app.test_client())
    assert len(reader.get(f"/t/{thread_id}").data) < 60_000


def test_stylesheet_weighs_under_30_kb(app):
    assert (Path(app.static_folder) / "css" / "forum.css").stat().st_size < 30_000


def test_static_files_with_a_content_hash_are_kept_for_a_year(app, client):
    page = client.get("/").get_data(as_text=True)
    stylesheet = page.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    assert "?v=" in stylesheet
    with client.get(stylesheet) as response:
        assert response.status_code == 200
        assert response.cache_control.max_age == 365 * 24 * 3600
        assert response.cache_control.public
