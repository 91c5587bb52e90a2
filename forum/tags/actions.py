"""Keeping the list of tags and the tags on a thread; the caller commits."""

from flask_babel import gettext as _
from sqlalchemy import select

from forum.extensions import db
from forum.models import MAX_TAGS_PER_THREAD, Tag, ThreadTag
from forum.moderation import log as moderation_log

# Addresses under /tags that a tag's slug must not take.
RESERVED_SLUGS = frozenset({"manage"})


class TagError(ValueError):
    """A rule about tags was broken; the message is shown to the person who tried."""


def create_tag(actor, *, slug, name_ar, name_en):
    tag = Tag(slug=_free_slug(slug), name_ar=name_ar.strip(), name_en=name_en.strip())
    db.session.add(tag)
    db.session.flush()
    return tag


def update_tag(actor, tag, *, slug, name_ar, name_en):
    tag.slug = _free_slug(slug, tag)
    tag.name_ar, tag.name_en = name_ar.strip(), name_en.strip()
    return tag


def set_thread_tags(actor, thread, tags):
    """Give the thread exactly these tags (at most MAX_TAGS_PER_THREAD)."""
    wanted = {tag.id: tag for tag in tags}
    if len(wanted) > MAX_TAGS_PER_THREAD:
        raise TagError(_("Choose at most %(max)d tags.", max=MAX_TAGS_PER_THREAD))
    current = set(
        db.session.scalars(select(ThreadTag.tag_id).where(ThreadTag.thread_id == thread.id))
    )
    if current == set(wanted):
        return
    for tag_id in current - set(wanted):
        db.session.delete(db.session.get(ThreadTag, (thread.id, tag_id)))
    for tag_id in set(wanted) - current:
        db.session.add(ThreadTag(thread_id=thread.id, tag_id=tag_id))
    if thread.author_id != actor.id:
        moderation_log.record(actor, "retag_thread", thread=thread)


def _free_slug(slug, tag=None):
    slug = slug.strip().lower()
    if slug in RESERVED_SLUGS:
        raise TagError(_("This address is reserved: choose another."))
    taken = db.session.scalar(select(Tag.id).where(Tag.slug == slug))
    if taken is not None and (tag is None or taken != tag.id):
        raise TagError(_("Another tag has this address already."))
    return slug
