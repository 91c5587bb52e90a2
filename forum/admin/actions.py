"""Administration: local authorities, boards, task forces and accounts.

Every change writes its admin-log row here, in the same transaction; nothing commits (the view
or the command does, once). `actor` is the administrator, or None for the command line.
"""

import re
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from forum import events, permissions
from forum import mail as outbox
from forum.accounts.actions import allowed_domains
from forum.admin import queries
from forum.clock import utcnow
from forum.extensions import db
from forum.models import (
    AUTHORITY_KINDS,
    BOARD_ACCESS,
    GOVERNORATES,
    REGISTRATION_POLICIES,
    ROLES,
    AdminLog,
    AttachmentSettings,
    Board,
    BoardModerator,
    Invitation,
    LocalAuthority,
    Mail,
    SiteSettings,
    TaskForce,
    TaskForceMember,
    User,
)
from forum.models.accounts import token_digest
from forum.models.boards import BOARD_POSTING

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# What the admin log shows for each action code stored in AdminLog.action.
ACTIONS = {
    "authority.create": _l("Local authority created"),
    "authority.update": _l("Local authority changed"),
    "board.create": _l("Board created"),
    "board.update": _l("Board changed"),
    "board.add_moderator": _l("Board moderator added"),
    "board.remove_moderator": _l("Board moderator removed"),
    "task_force.create": _l("Task force created"),
    "task_force.update": _l("Task force changed"),
    "task_force.add_member": _l("Task force member added"),
    "task_force.remove_member": _l("Task force member removed"),
    "user.set_role": _l("Role changed"),
    "user.suspend": _l("Account suspended"),
    "user.reactivate": _l("Account reactivated"),
    "mail.retry": _l("Mail queued again"),
    "user.approve": _l("Account approved"),
    "user.refuse": _l("Account refused"),
    "settings.registration": _l("Registration policy changed"),
    "settings.attachments": _l("Attachment types and limits changed"),
    "invitation.create": _l("Invitation created"),
    "invitation.revoke": _l("Invitation revoked"),
}
TARGET_TYPES = {
    LocalAuthority: "authority",
    Board: "board",
    TaskForce: "task_force",
    User: "user",
    Mail: "mail",
    SiteSettings: "settings",
    Invitation: "invitation",
    AttachmentSettings: "attachment_settings",
}
TARGET_LABELS = {
    "authority": _l("Local authority"),
    "board": _l("Board"),
    "task_force": _l("Task force"),
    "user": _l("Account"),
    "mail": _l("Mail"),
    "settings": _l("Settings"),
    "invitation": _l("Invitation"),
    "attachment_settings": _l("Attachments"),
}


class AdminError(ValueError):
    """An administration rule was broken; the message is for the administrator."""


# The log ------------------------------------------------------------------------------------


def log_change(actor, action, target, details=""):
    """Append one admin-log row about `target` (flushed first, so that it has an id)."""
    db.session.flush()
    entry = AdminLog(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=TARGET_TYPES[type(target)],
        target_id=target.id,
        details=details,
    )
    db.session.add(entry)
    return entry


def _show(value):
    if value is None:
        return "—"
    if isinstance(value, TaskForce | Board):
        return value.slug
    if isinstance(value, LocalAuthority):
        return f"{value.id} {value.name_en}"
    if isinstance(value, User):
        return f"{value.id} {value.email}"
    text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _apply(target, values):
    """Set the attributes that differ; the changes as 'name: old → new' for the log."""
    changes = []
    for name, value in values.items():
        old = getattr(target, name)
        if old != value:
            setattr(target, name, value)
            changes.append(f"{name}: {_show(old)} → {_show(value)}")
    return "; ".join(changes)


def _describe(values):
    return "; ".join(f"{name}: {_show(value)}" for name, value in values.items())


def _access_changed():
    # Who may read what was just changed: the request must not keep answering from its cache.
    permissions.forget_access()


def _clean(values):
    return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}


def _check_slug(model, slug):
    if not SLUG.match(slug or "") or len(slug) > 80:
        raise AdminError(_("Use lower-case Latin letters, digits and single hyphens."))
    if db.session.scalar(select(model.id).where(model.slug == slug)) is not None:
        raise AdminError(_("This slug is already taken."))


def _check_names(values):
    if not values.get("name_ar") or not values.get("name_en"):
        raise AdminError(_("Both the Arabic and the English name are required."))


# Local authorities --------------------------------------------------------------------------


def _check_authority(values):
    _check_names(values)
    if values["kind"] not in AUTHORITY_KINDS or values["governorate"] not in GOVERNORATES:
        raise AdminError(_("Unknown kind or governorate."))


def create_authority(actor, *, name_ar, name_en, kind, governorate):
    values = _clean(dict(name_ar=name_ar, name_en=name_en, kind=kind, governorate=governorate))
    _check_authority(values)
    authority = LocalAuthority(**values)
    db.session.add(authority)
    log_change(actor, "authority.create", authority, _describe(values))
    return authority


def update_authority(actor, authority, *, name_ar, name_en, kind, governorate):
    values = _clean(dict(name_ar=name_ar, name_en=name_en, kind=kind, governorate=governorate))
    _check_authority(values)
    details = _apply(authority, values)
    if details:
        log_change(actor, "authority.update", authority, details)


def find_authority(value):
    """A local authority by id, or by its exact Arabic or English name; None when unknown."""
    value = (value or "").strip()
    query = select(LocalAuthority)
    if value.isdigit():
        query = query.where(LocalAuthority.id == int(value))
    else:
        query = query.where(or_(LocalAuthority.name_ar == value, LocalAuthority.name_en == value))
    found = db.session.scalars(query.limit(2)).all() if value else []
    if len(found) > 1:
        raise AdminError(_("Several local authorities have this name: give the id."))
    return found[0] if found else None


# Boards -------------------------------------------------------------------------------------


# Fields an administrator sets on a board, with their defaults for a new one.
BOARD_DEFAULTS = {
    "name_ar": "",
    "name_en": "",
    "description_ar": "",
    "description_en": "",
    "position": None,
    "access": "public",
    "task_force": None,
    "posting": "members",
    "threads_need_approval": True,
    "replies_need_approval": False,
    "trust_threshold": 3,
    "flag_threshold": 3,
}


def _check_board(values):
    _check_names(values)
    if values["access"] not in BOARD_ACCESS or values["posting"] not in BOARD_POSTING:
        raise AdminError(_("Unknown access or posting rule."))
    if values["access"] == "restricted" and values["task_force"] is None:
        raise AdminError(_("A restricted board needs the task force whose members may read it."))
    if values["trust_threshold"] < 0 or values["flag_threshold"] < 0:
        raise AdminError(_("The thresholds cannot be negative."))


def _board_values(values, current):
    unknown = values.keys() - BOARD_DEFAULTS.keys()
    if unknown:
        raise TypeError(f"not a board setting: {', '.join(sorted(unknown))}")
    values = _clean(values)
    _check_board({**current, **values})
    return values


def create_board(actor, *, slug, **values):
    """A new board (settings as in BOARD_DEFAULTS), placed last unless a position is given."""
    _check_slug(Board, slug)
    values = {**BOARD_DEFAULTS, **_board_values(values, BOARD_DEFAULTS)}
    if values["position"] is None:
        values["position"] = queries.next_board_position()
    board = Board(slug=slug, **values)
    db.session.add(board)
    log_change(actor, "board.create", board, _describe({"slug": slug, **values}))
    _access_changed()
    events.board_created.send(board)  # flushed by log_change
    return board


def update_board(actor, board, **values):
    """Change some of a board's settings (keys of BOARD_DEFAULTS)."""
    current = {name: getattr(board, name) for name in BOARD_DEFAULTS}
    details = _apply(board, _board_values(values, current))
    if details:
        log_change(actor, "board.update", board, details)
        _access_changed()


def add_board_moderator(actor, board, user):
    """Assign a moderator to a board; a plain member becomes a moderator by this."""
    if db.session.get(BoardModerator, (board.id, user.id)) is not None:
        raise AdminError(_("%(email)s already moderates this board.", email=user.email))
    if user.role == "member":
        # Without the role the assignment would give no powers (see permissions.py).
        set_role(actor, user, "moderator")
    db.session.add(BoardModerator(board=board, user=user))
    log_change(actor, "board.add_moderator", board, _show(user))
    _access_changed()


def remove_board_moderator(actor, board, user):
    """Withdraw a board from a moderator; the role stays, with no powers on that board."""
    assignment = db.session.get(BoardModerator, (board.id, user.id))
    if assignment is None:
        raise AdminError(_("%(email)s does not moderate this board.", email=user.email))
    db.session.delete(assignment)
    log_change(actor, "board.remove_moderator", board, _show(user))
    _access_changed()


# Task forces --------------------------------------------------------------------------------


def create_task_force(actor, *, slug, name_ar, name_en, purpose_ar="", purpose_en=""):
    values = _clean(dict(name_ar=name_ar, name_en=name_en, purpose_ar=purpose_ar,
                         purpose_en=purpose_en))  # fmt: skip
    _check_slug(TaskForce, slug)
    _check_names(values)
    task_force = TaskForce(slug=slug, **values)
    db.session.add(task_force)
    log_change(actor, "task_force.create", task_force, _describe({"slug": slug, **values}))
    return task_force


def update_task_force(actor, task_force, *, name_ar, name_en, purpose_ar, purpose_en):
    values = _clean(dict(name_ar=name_ar, name_en=name_en, purpose_ar=purpose_ar,
                         purpose_en=purpose_en))  # fmt: skip
    _check_names(values)
    details = _apply(task_force, values)
    if details:
        log_change(actor, "task_force.update", task_force, details)


def add_task_force_member(actor, task_force, user, authority=None):
    """Add a member, representing `authority` (by default the authority they work for)."""
    if db.session.get(TaskForceMember, (task_force.id, user.id)) is not None:
        raise AdminError(_("%(email)s is already a member of this task force.", email=user.email))
    authority = authority or user.authority
    membership = TaskForceMember(task_force=task_force, user=user, authority=authority)
    db.session.add(membership)
    log_change(actor, "task_force.add_member", task_force,
               f"{_show(user)}; authority: {_show(authority)}")  # fmt: skip
    _access_changed()
    return membership


def remove_task_force_member(actor, task_force, user):
    """Remove a member: from the next read on, the task force's boards are closed to them."""
    membership = db.session.get(TaskForceMember, (task_force.id, user.id))
    if membership is None:
        raise AdminError(_("%(email)s is not a member of this task force.", email=user.email))
    task_force.memberships.remove(membership)
    db.session.delete(membership)
    log_change(actor, "task_force.remove_member", task_force, _show(user))
    _access_changed()


# Accounts -----------------------------------------------------------------------------------


def set_role(actor, user, role):
    if role not in ROLES:
        raise AdminError(_("Unknown role."))
    if actor is not None and actor.id == user.id and role != "admin":
        raise AdminError(_("You cannot take away your own administrator role."))
    details = _apply(user, {"role": role})
    if details:
        log_change(actor, "user.set_role", user, details)
        _access_changed()


def update_user_access(actor, user, *, role, moderates_all_boards, boards):
    """Role, "moderates every board" and the boards moderated, as one form sets them.

    A member holds no moderator assignments: choosing the member role clears them.
    """
    set_role(actor, user, role)
    if role in ("member", "analyst"):
        moderates_all_boards, boards = False, []
    if user.moderates_all_boards != moderates_all_boards:
        details = _apply(user, {"moderates_all_boards": moderates_all_boards})
        log_change(actor, "user.set_role", user, details)
        _access_changed()
    wanted = {board.id: board for board in boards}
    current = {m.board_id: m.board for m in _assignments(user)}
    for board_id in sorted(current.keys() - wanted.keys()):
        remove_board_moderator(actor, current[board_id], user)
    for board_id in sorted(wanted.keys() - current.keys()):
        add_board_moderator(actor, wanted[board_id], user)


def _assignments(user):
    return db.session.scalars(select(BoardModerator).where(BoardModerator.user_id == user.id))


def suspend_user(actor, user, *, reason, until=None):
    """Suspend an account: it cannot log in, and a session in progress ends on its next request."""
    reason = (reason or "").strip()
    if actor is not None and actor.id == user.id:
        raise AdminError(_("You cannot suspend your own account."))
    if not reason:
        raise AdminError(_("Give the reason for the suspension."))
    if until is not None and until <= utcnow():
        raise AdminError(_("The end of the suspension must be in the future."))
    user.suspended_at = utcnow()
    user.suspended_until = until
    user.end_sessions()
    user.suspension_reason = reason
    until_text = until.isoformat(sep=" ", timespec="minutes") if until else "—"
    log_change(actor, "user.suspend", user, f"until: {until_text}; reason: {_show(reason)}")
    _access_changed()


def reactivate_user(actor, user):
    """Lift a suspension (also one whose end date has passed, to tidy the record)."""
    if user.suspended_at is None:
        raise AdminError(_("This account is not suspended."))
    user.suspended_at = user.suspended_until = user.suspension_reason = None
    log_change(actor, "user.reactivate", user)
    _access_changed()


# The mail outbox ----------------------------------------------------------------------------


def retry_mail(actor, mail):
    """Send a failed (or kept) mail again: due now, with its attempts counted afresh."""
    if not outbox.can_retry(mail):
        raise AdminError(_("Only a failed or kept mail can be sent again."))
    previous = mail.status
    outbox.retry(mail)
    log_change(actor, "mail.retry", mail, f"{previous} → {mail.status}; {_show(mail.to_address)}")


# Registration -------------------------------------------------------------------------------


def update_registration(actor, *, registration_policy, allowed_domains_text):
    """Choose who may create an account; the domains are kept one a line, lower-cased."""
    if registration_policy not in REGISTRATION_POLICIES:
        raise AdminError(_("Unknown registration policy."))
    domains = allowed_domains(allowed_domains_text)
    if any(not _DOMAIN.match(domain) for domain in domains):
        raise AdminError(_("Write each domain as its name only, for example nablus.ps."))
    if registration_policy == "domains" and not domains:
        raise AdminError(_("Give at least one allowed domain."))
    settings = db.session.get(SiteSettings, 1)
    if settings is None:
        settings = SiteSettings(id=1, registration_policy="open", allowed_domains="")
        db.session.add(settings)
    changes = _apply(settings, {"registration_policy": registration_policy,
                                "allowed_domains": "\n".join(domains)})  # fmt: skip
    if changes:
        log_change(actor, "settings.registration", settings, changes)
    return settings


_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def approve_account(actor, user):
    """Let a new account in (registration policy "approval"), and tell its owner by mail."""
    if user.approval != "pending":
        raise AdminError(_("This account is not waiting for approval."))
    user.approval = "approved"
    log_change(actor, "user.approve", user, _show(user))
    outbox.queue(user, "account_approved", _l("Your Tabadul account is approved"),
                 "account_approved", {})  # fmt: skip


def refuse_account(actor, user):
    """Keep a new account out: it can never log in (its row stays, for the record)."""
    if user.approval != "pending":
        raise AdminError(_("This account is not waiting for approval."))
    user.approval = "refused"
    user.end_sessions()
    log_change(actor, "user.refuse", user, _show(user))


def create_invitation(actor, *, email=None, note="", days=14):
    """A single-use link to register, valid for `days`; mailed to `email` when given.

    Returns the invitation and its token: only the token's digest is stored, so the link can
    be shown once, to the administrator who made it.
    """
    token = secrets.token_urlsafe(24)
    email = User.normalize_email(email) or None
    invitation = Invitation(
        token_digest=token_digest(token), email=email, note=(note or "").strip(),
        created_by_id=actor.id if actor is not None else None,
        expires_at=utcnow() + timedelta(days=days),
    )  # fmt: skip
    db.session.add(invitation)
    log_change(
        actor,
        "invitation.create",
        invitation,
        f"email: {_show(email)}; days: {days}; note: {_show(invitation.note or None)}",
    )
    link = outbox.absolute_url("accounts.register", invite=token)
    if email:
        recipient = outbox.Recipient(email=email, language=actor.language if actor else "ar")
        outbox.queue(recipient, "invitation", _l("An invitation to join Tabadul"), "invitation",
                     {"link": link, "expires_at": invitation.expires_at})  # fmt: skip
    return invitation, link


def revoke_invitation(actor, invitation):
    if not invitation.is_usable:
        raise AdminError(_("This invitation can no longer be used."))
    invitation.revoked_at = utcnow()
    log_change(actor, "invitation.revoke", invitation)
