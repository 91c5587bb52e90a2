"""A daily digest mail in each language, opened as a page: the key pages' axe audit, the right
language and direction, no sideways scrolling on a 360-pixel phone, and screenshots for review
(test-artifacts/screenshots/digest-mail-<language>-desktop.png and -phone.png)."""

from datetime import timedelta

import pytest

from forum import digests
from forum.clock import utcnow
from forum.extensions import db
from forum.following import actions as following
from forum.models import Level, User
from tests import factories
from tests.e2e import checks
from tests.e2e.keypages import _TEXT, _WIDE, LANGUAGES

BOARD = "financial-management"


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
def test_digest_mail_is_accessible_and_fits_a_phone(app, authority, open_page, language):
    html = _queued_digest_html(app, authority, language)
    page = open_page(None, language=language)  # the live server: the data above is committed
    page.set_content(html)
    problems = checks.audit_shown_page(page, "digest-mail", language, forum_page=False)
    assert problems == []


def _queued_digest_html(app, authority_id, language):
    """A reader following the board daily, two new threads (one busy), their digest queued."""
    text = _TEXT[language]
    with app.app_context():
        reader = factories.make_person(language=language, authority_id=authority_id)
        author = factories.make_person(language=language, authority_id=authority_id)
        user = db.session.get(User, reader.id)
        following.follow_board(user, factories.board_by_slug(BOARD), Level.DAILY)
        db.session.commit()
        thread = factories.make_thread(author.id, BOARD, title=text["title"], body=text["body"])
        factories.make_thread(author.id, BOARD, title=text["pending"], body=_WIDE)
        for body in (text["reply"], text["nested"], _WIDE):
            factories.make_reply(reader.id, thread, body=body)
        # Past the settling time, so that what was just written is in.
        digest = digests.build(user, Level.DAILY, utcnow() + timedelta(minutes=10))
        assert len(digest.new_threads) == 2 and digest.busiest
        mail = digests.queue_digest(digest)
        db.session.commit()
        assert mail.language == language
        return mail.html_body
