"""Tags across platforms: a list kept by moderators, chosen by authors for their threads."""

from forum.clock import utcnow
from forum.extensions import db
from forum.i18n import pick
from forum.models.base import Content, scope

# An author picks at most this many tags for a thread.
MAX_TAGS_PER_THREAD = 5


class Tag(Content, db.Model):
    """Renamed rarely; a change reaches every page that shows it (the default site-wide scope)."""

    __tablename__ = "tags"

    id = db.Column(db.Integer, primary_key=True)
    slug = db.Column(db.String(60), nullable=False, unique=True)
    name_ar = db.Column(db.String(80), nullable=False)
    name_en = db.Column(db.String(80), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    @property
    def name(self):
        return pick(self.name_ar, self.name_en)


class ThreadTag(Content, db.Model):
    """One tag on one thread; shown on the thread's page."""

    __tablename__ = "thread_tags"

    thread_id = db.Column(db.Integer, db.ForeignKey("threads.id"), primary_key=True)
    # The tag's page lists its threads: by tag first.
    tag_id = db.Column(db.Integer, db.ForeignKey("tags.id"), primary_key=True, index=True)

    tag = db.relationship(Tag)

    def read_scope(self):
        return scope("thread", self.thread_id)

    def written_scopes(self, change):
        return {scope("thread", self.thread_id)}
