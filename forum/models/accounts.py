"""Local authorities and the people who work for them."""

import secrets

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import or_
from sqlalchemy.ext.hybrid import hybrid_property
from werkzeug.security import check_password_hash, generate_password_hash

from forum.clock import utcnow
from forum.extensions import db
from forum.i18n import pick
from forum.models.base import Content, changed_columns, scope

# An analyst is a member who may also read the participation reports (forum.reports).
ROLES = ("member", "analyst", "moderator", "admin")
AUTHORITY_KINDS = {
    "municipality": _l("Municipality"),
    "village_council": _l("Village council"),
    "other": _l("Other local body"),
}
# Key → (Arabic, English); the key is what the database stores.
GOVERNORATES = {
    "jenin": ("جنين", "Jenin"),
    "tubas": ("طوباس", "Tubas"),
    "tulkarm": ("طولكرم", "Tulkarm"),
    "nablus": ("نابلس", "Nablus"),
    "qalqilya": ("قلقيلية", "Qalqilya"),
    "salfit": ("سلفيت", "Salfit"),
    "ramallah": ("رام الله والبيرة", "Ramallah and Al-Bireh"),
    "jericho": ("أريحا والأغوار", "Jericho and Al-Aghwar"),
    "jerusalem": ("القدس", "Jerusalem"),
    "bethlehem": ("بيت لحم", "Bethlehem"),
    "hebron": ("الخليل", "Hebron"),
    "north_gaza": ("شمال غزة", "North Gaza"),
    "gaza": ("غزة", "Gaza"),
    "deir_al_balah": ("دير البلح", "Deir al-Balah"),
    "khan_yunis": ("خانيونس", "Khan Yunis"),
    "rafah": ("رفح", "Rafah"),
}


class LocalAuthority(Content, db.Model):
    """Renamed rarely; a change reaches every page (the default site-wide scope)."""

    __tablename__ = "local_authorities"

    id = db.Column(db.Integer, primary_key=True)
    name_ar = db.Column(db.String(200), nullable=False)
    name_en = db.Column(db.String(200), nullable=False)
    kind = db.Column(db.String(20), nullable=False, default="municipality")
    governorate = db.Column(db.String(30), nullable=False)

    @property
    def name(self):
        return pick(self.name_ar, self.name_en)

    @property
    def governorate_name(self):
        return pick(*GOVERNORATES.get(self.governorate, (self.governorate, self.governorate)))

    @property
    def kind_label(self):
        return AUTHORITY_KINDS.get(self.kind, self.kind)


class User(Content, UserMixin, db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    display_name = db.Column(db.String(80), nullable=False)
    # Stored lower-cased: uniqueness is case-insensitive on every database.
    email = db.Column(db.String(254), nullable=False, unique=True)
    password_hash = db.Column(db.String(255), nullable=False)
    authority_id = db.Column(db.Integer, db.ForeignKey("local_authorities.id"), index=True)
    job_title = db.Column(db.String(120), nullable=False, default="")
    role = db.Column(db.String(20), nullable=False, default="member")
    moderates_all_boards = db.Column(db.Boolean, nullable=False, default=False)
    language = db.Column(db.String(5), nullable=False, default="ar")
    active = db.Column(db.Boolean, nullable=False, default=True)
    joined_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    suspended_at = db.Column(db.DateTime)
    suspended_until = db.Column(db.DateTime)
    suspension_reason = db.Column(db.Text)
    # Part of every login session's id: changing it (suspension, new password) ends them all.
    session_token = db.Column(db.String(32), nullable=False, default=lambda: secrets.token_hex(8))
    # Approved posts across the forum; the trust threshold of the approval queue reads it.
    approved_post_count = db.Column(db.Integer, nullable=False, default=0)

    authority = db.relationship(LocalAuthority, lazy="joined")

    # Columns no page shows: changing them (a login, a new post counted) invalidates nothing.
    UNSHOWN_COLUMNS = frozenset(
        {"password_hash", "session_token", "approved_post_count", "language", "email"}
    )

    def read_scope(self):
        return scope("user", self.id)

    def written_scopes(self, change):
        if change == "update" and changed_columns(self) <= self.UNSHOWN_COLUMNS:
            return set()
        return {scope("user", self.id)}

    def set_password(self, password):
        method = current_app.config["PASSWORD_HASH_METHOD"]
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    def get_id(self):
        return f"{self.id}.{self.session_token}"

    def end_sessions(self):
        """Log the user out everywhere: sessions carry the old token and stop matching."""
        self.session_token = secrets.token_hex(8)

    @hybrid_property
    def is_suspended(self):
        """Suspended now: until suspended_until, or for good when it has no end.

        Also a SQL condition (`User.is_suspended`) for counts and lists of accounts.
        """
        if self.suspended_at is None:
            return False
        return self.suspended_until is None or self.suspended_until > utcnow()

    @is_suspended.inplace.expression
    @classmethod
    def _is_suspended_expression(cls):
        return cls.suspended_at.is_not(None) & or_(
            cls.suspended_until.is_(None), cls.suspended_until > utcnow()
        )

    @property
    def is_active(self):
        # Flask-Login treats an inactive user as unable to log in or stay logged in.
        return self.active and not self.is_suspended

    @staticmethod
    def normalize_email(email):
        return (email or "").strip().lower()
