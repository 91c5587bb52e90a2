"""The key pages the browser suite audits, and the sample forum they are shown with.

A key page must exist: a missing one fails. Only a page marked `planned` (its feature has not
landed yet) is left out until its route appears, so that it is audited the day it arrives
without anyone remembering to add it.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select
from werkzeug.exceptions import MethodNotAllowed, NotFound

from forum.extensions import db
from forum.following import actions as following
from forum.following.unsubscribe import make_token
from forum.mail import queue_test_mail
from forum.models import Flag, Tag, User
from forum.moderation import actions as moderation
from forum.notifications import notify
from forum.outcomes import actions as outcomes
from forum.tags.actions import set_thread_tags
from tests import factories

LANGUAGES = ("ar", "en")


@dataclass(frozen=True)
class KeyPage:
    name: str
    path: str  # formatted with the ids of the sample forum
    viewer: str = "moderator"  # "visitor", "moderator" or "admin"
    status: int = 200
    planned: bool = False  # audited once its route exists, not missed before

    def url(self, sample):
        return self.path.format(**sample.ids)


KEY_PAGES = [
    KeyPage("home", "/"),
    KeyPage("board", "/b/financial-management"),
    KeyPage("thread", "/t/{thread}"),
    KeyPage("new-thread", "/t/new?board=financial-management"),
    KeyPage("reply", "/t/{thread}/reply?to={reply}"),
    KeyPage("edit-post", "/p/{reply}/edit"),
    KeyPage("settings", "/settings"),
    KeyPage("profile", "/u/{member}"),
    KeyPage("moderation-queue", "/mod/queue"),
    KeyPage("flags", "/mod/flags"),
    KeyPage("post-history", "/p/{reply}/history"),
    KeyPage("moderation-log", "/mod/log"),
    KeyPage("notifications", "/notifications"),
    KeyPage("subscriptions", "/settings/subscriptions"),
    KeyPage("digest", "/settings/digest"),
    KeyPage("tokens", "/settings/tokens"),
    KeyPage("api-reference", "/api/docs", viewer="visitor"),
    KeyPage("unsubscribe", "/unsubscribe/{unsubscribe}", viewer="visitor"),
    KeyPage("search", "/search?q={search}", planned=True),
    KeyPage("admin", "/admin/", viewer="admin"),
    KeyPage("admin-users", "/admin/users", viewer="admin"),
    KeyPage("admin-boards", "/admin/boards", viewer="admin"),
    KeyPage("admin-mail", "/admin/mail", viewer="admin"),
    KeyPage("admin-mail-one", "/admin/mail/{mail}", viewer="admin"),
    KeyPage("admin-attachments", "/admin/attachments", viewer="admin"),
    KeyPage("success-story", "/t/{story}"),
    KeyPage("challenge-status", "/t/{challenge}/status"),
    KeyPage("tags", "/tags", viewer="visitor"),
    KeyPage("tag", "/tags/{tag}"),
    KeyPage("manage-tags", "/tags/manage"),
    KeyPage("authorities", "/authorities", viewer="visitor"),
    KeyPage("authority", "/authorities/{authority}"),
    KeyPage("reports", "/reports", viewer="admin"),
    KeyPage("log-in", "/auth/login", viewer="visitor"),
    KeyPage("register", "/auth/register", viewer="visitor"),
    KeyPage("not-found", "/b/tf-financial-experts", viewer="visitor", status=404),
]


def to_audit(app):
    """The key pages, without the planned ones that have not landed yet."""
    return [key_page for key_page in KEY_PAGES if not key_page.planned or has_landed(app, key_page)]


def has_landed(app, key_page):
    """Whether the app has a GET route for the page's address."""
    adapter = app.url_map.bind("localhost")
    try:
        adapter.match(re.sub(r"\{\w+\}", "1", urlsplit(key_page.path).path), "GET")
    except (NotFound, MethodNotAllowed):
        return False
    return True


@dataclass(frozen=True)
class Sample:
    ids: dict
    viewers: dict  # "moderator"/"admin" → Person, in the sample's language


_TEXT = {
    "ar": {
        "title": "كيف نرفع نسبة الجباية في المجالس القروية؟",
        "body": (
            "جربنا في بلديتنا ثلاث خطوات:\n\n"
            "1. **حملة توعية** قبل الموسم\n"
            "2. خصم للدفع المبكر\n"
            "3. تقسيط للأسر المحتاجة\n\n"
            "> النتيجة: ارتفعت الجباية ١٨٪ خلال سنة.\n\n"
            "التفاصيل في [دليل الاتحاد](https://example.org/guide)."
        ),
        "reply": "تجربة مفيدة. هل كان الخصم ثابتًا أم نسبة مئوية؟",
        "nested": "نسبة مئوية: ٥٪ لمن يدفع قبل نهاية الربع الأول.",
        "pending": "مقترح لتوحيد نماذج الموازنة",
        "rejected": "إعلان عن دورة تدريبية خاصة",
        "story": "قصة نجاح: الفوترة الإلكترونية للمياه",
        "challenge": "تحدي جمع النفايات في القرى",
        "adopted": "طبقنا الفوترة الإلكترونية في آذار ٢٠٢٦.",
        "elsewhere": ("بلدية طوباس", "Tubas Municipality"),
        "search": "الجباية",
    },
    "en": {
        "title": "How do we raise revenue collection in village councils?",
        "body": (
            "We tried three steps in our municipality:\n\n"
            "1. **An awareness campaign** before the season\n"
            "2. A discount for early payment\n"
            "3. Instalments for families in need\n\n"
            "> Result: collection rose 18% within a year.\n\n"
            "Details in the [federation's guide](https://example.org/guide)."
        ),
        "reply": "Useful experience. Was the discount fixed or a percentage?",
        "nested": "A percentage: 5% for those who pay before the end of the first quarter.",
        "pending": "A proposal to standardise budget templates",
        "rejected": "An advertisement for a private training course",
        "story": "Success story: electronic water billing",
        "challenge": "The challenge of waste collection in villages",
        "adopted": "We moved to electronic billing in March 2026.",
        "elsewhere": ("بلدية طوباس", "Tubas Municipality"),
        "search": "collection",
    },
}


# What tends to push a page sideways on a phone: a long unbroken word and a code block.
_WIDE = (
    "https://example.org/municipal-budgets/2026/templates/village-councils/annex-3.xlsx\n\n"
    "    SELECT authority, SUM(collected) / SUM(billed) AS rate FROM property_tax GROUP BY 1;"
)


def build(app, language, authority_id):
    """A small forum in one language: a threaded discussion, a pending thread, a flag, a
    notification and a mail."""
    text = _TEXT[language]
    common = {"language": language, "authority_id": authority_id}
    with app.app_context():
        moderator = factories.make_person(
            role="moderator", moderates=["financial-management", "tf-financial-experts"], **common
        )
        admin = factories.make_person(role="admin", **common)
        member = factories.make_person(**common)
        flagger = factories.make_person(**common)
        # A decision on someone's thread, for the moderation log's "by <name>"; made before
        # the flagger's posts make them trusted (their threads would skip the queue).
        rejected = factories.make_thread(flagger.id, title=text["rejected"], body=text["body"],
                                         published=False)  # fmt: skip
        moderation.reject_thread(db.session.get(User, moderator.id), rejected, reason="spam")
        thread = factories.make_thread(member.id, title=text["title"], body=text["body"])
        # Waits in the queue: made before the member's replies make them trusted.
        factories.make_thread(member.id, title=text["pending"], body=text["body"],
                              published=False)  # fmt: skip
        reply = factories.make_reply(flagger.id, thread, body=text["reply"],
                                     parent=thread.first_post)  # fmt: skip
        nested = f"@[{moderator.name}] {text['nested']}"  # a mention, linked to the profile
        parent = factories.make_reply(member.id, thread, body=nested, parent=reply)
        for author in (flagger, member, flagger):  # deeper than MAX_REPLY_DEPTH, on a phone too
            parent = factories.make_reply(author.id, thread, body=_WIDE, parent=parent)
        db.session.add(Flag(post_id=reply.id, user_id=member.id, reason="off_topic"))
        # Outcomes and tags (forum.outcomes, forum.tags): an answered question, a story
        # adopted by another authority, a challenge in progress.
        asker = db.session.get(User, member.id)
        outcomes.accept_answer(asker, reply)
        first_tags = db.session.scalars(select(Tag).order_by(Tag.id).limit(3)).all()
        set_thread_tags(asker, thread, first_tags)
        story = factories.make_thread(member.id, title=text["story"], body=text["body"],
                                      kind="success_story")  # fmt: skip
        name_ar, name_en = text["elsewhere"]
        place = factories.make_authority(name_ar, name_en, governorate="tubas")
        adopter = factories.make_person(language=language, authority_id=place.id)
        outcomes.adopt_story(db.session.get(User, adopter.id), story, note=text["adopted"],
                             contact="water@example.org")  # fmt: skip
        challenge = factories.make_thread(member.id, title=text["challenge"], body=text["body"],
                                          kind="challenge")  # fmt: skip
        outcomes.set_challenge_status(asker, challenge, "in_progress", note=text["reply"])
        notify(moderator.id, "thread_approved", thread=thread)
        mail = queue_test_mail(db.session.get(User, member.id))
        reader = db.session.get(User, moderator.id)
        following.follow_board(reader, thread.board, "daily")
        following.watch_thread(reader, thread)
        db.session.commit()
        ids = {"thread": thread.id, "reply": reply.id, "member": member.id,
               "search": text["search"], "mail": mail.id,
               "unsubscribe": make_token(reader, board=thread.board), "story": story.id,
               "challenge": challenge.id, "authority": authority_id,
               "tag": first_tags[0].slug}  # fmt: skip
    return Sample(ids=ids, viewers={"moderator": moderator, "admin": admin})
