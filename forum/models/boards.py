"""Boards (one per platform), task forces and who moderates what."""

from flask_babel import lazy_gettext as _l

from forum.clock import utcnow
from forum.extensions import db
from forum.i18n import pick
from forum.models.base import SITE, Content, changed_columns, scope

BOARD_ACCESS = {
    "public": _l("Everyone, visitors included"),
    "members": _l("Logged-in members"),
    "restricted": _l("Members of one task force"),
}
BOARD_POSTING = {
    "members": _l("Every reader may post"),
    "moderators": _l("Read-only: only moderators post"),
}


class TaskForce(Content, db.Model):
    __tablename__ = "task_forces"

    id = db.Column(db.Integer, primary_key=True)
    slug = db.Column(db.String(80), nullable=False, unique=True)
    name_ar = db.Column(db.String(200), nullable=False)
    name_en = db.Column(db.String(200), nullable=False)
    purpose_ar = db.Column(db.Text, nullable=False, default="")
    purpose_en = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    memberships = db.relationship(
        "TaskForceMember", back_populates="task_force", cascade="all, delete-orphan"
    )

    @property
    def name(self):
        return pick(self.name_ar, self.name_en)


class TaskForceMember(Content, db.Model):
    """A member of a task force and the local authority they represent there."""

    __tablename__ = "task_force_members"

    task_force_id = db.Column(db.Integer, db.ForeignKey("task_forces.id"), primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), primary_key=True, index=True)
    authority_id = db.Column(db.Integer, db.ForeignKey("local_authorities.id"))
    joined_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    task_force = db.relationship(TaskForce, back_populates="memberships")
    user = db.relationship("User")
    authority = db.relationship("LocalAuthority")


class Board(Content, db.Model):
    __tablename__ = "boards"

    id = db.Column(db.Integer, primary_key=True)
    slug = db.Column(db.String(80), nullable=False, unique=True)
    name_ar = db.Column(db.String(200), nullable=False)
    name_en = db.Column(db.String(200), nullable=False)
    description_ar = db.Column(db.Text, nullable=False, default="")
    description_en = db.Column(db.Text, nullable=False, default="")
    position = db.Column(db.Integer, nullable=False, default=0)
    access = db.Column(db.String(20), nullable=False, default="public")
    task_force_id = db.Column(db.Integer, db.ForeignKey("task_forces.id"), index=True)
    posting = db.Column(db.String(20), nullable=False, default="members")
    threads_need_approval = db.Column(db.Boolean, nullable=False, default=True)
    replies_need_approval = db.Column(db.Boolean, nullable=False, default=False)
    # Members with this many approved posts skip the queue; 0 turns the shortcut off.
    trust_threshold = db.Column(db.Integer, nullable=False, default=3)
    # Flags from this many different members hide a post until a moderator decides; 0 never.
    flag_threshold = db.Column(db.Integer, nullable=False, default=3, server_default="3")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    # Kept by forum.threads.actions on every write; they count published content only,
    # which is the same for every reader of the board.
    thread_count = db.Column(db.Integer, nullable=False, default=0)
    post_count = db.Column(db.Integer, nullable=False, default=0)
    last_post_at = db.Column(db.DateTime)
    last_thread_id = db.Column(
        db.Integer, db.ForeignKey("threads.id", use_alter=True, ondelete="SET NULL")
    )

    task_force = db.relationship(TaskForce)
    last_thread = db.relationship("Thread", foreign_keys=[last_thread_id], post_update=True)

    # Kept by every reply; any other change (a name, who may read) can reach every page.
    COUNTER_COLUMNS = frozenset({"thread_count", "post_count", "last_post_at", "last_thread_id"})

    def written_scopes(self, change):
        """Counters change the board's list and the home page, which declare that they show
        them (scope "board:<id>"); a page that merely names the board (a thread's) does not
        depend on them. Any other change reaches every page: it is site-wide."""
        if change == "update" and changed_columns(self) <= self.COUNTER_COLUMNS:
            return {scope("board", self.id)}
        return {SITE}

    @property
    def name(self):
        return pick(self.name_ar, self.name_en)

    @property
    def description(self):
        return pick(self.description_ar, self.description_en)

    @property
    def is_members_only(self):
        """Whether visitors are kept out (a task force's board, or one for members): such a
        board and its threads carry a "private" marker. Who may read it is the policy's."""
        return self.access != "public"


class BoardModerator(Content, db.Model):
    __tablename__ = "board_moderators"

    board_id = db.Column(db.Integer, db.ForeignKey("boards.id"), primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), primary_key=True, index=True)

    board = db.relationship(Board)
    user = db.relationship("User")
