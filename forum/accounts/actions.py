"""Account changes. Actions never commit: the view or command that calls them does."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from forum import mail
from forum.accounts import sessions, tokens
from forum.accounts.queries import find_user_by_email, user_whose_name_looks_like
from forum.clock import utcnow
from forum.extensions import db
from forum.models import GENDERS, JOB_CATEGORIES, ROLES, User
from forum.names import likeness_key, visible


class AccountError(ValueError):
    """A rule about accounts was broken; the message is for the person who broke it, shown
    beside the form's `field`."""

    def __init__(self, message, field="email"):
        super().__init__(message)
        self.field = field


def register_user(
    email, display_name, password, *, authority=None, job_title="", role="member",
    language="ar", verified=True, approval="approved",
):  # fmt: skip
    """Create an account; a taken email (in any letter case) is refused.

    Accounts made by an administrator, the command line or the demo count as verified; the
    registration form makes them unverified (sign_up)."""
    if role not in ROLES:
        raise AccountError(_("Unknown role."))
    if find_user_by_email(email) is not None:
        raise AccountError(_("An account with this email already exists."))
    display_name = _checked_display_name(display_name, None)
    user = User(
        email=User.normalize_email(email),
        display_name=display_name,
        authority=authority,
        job_title=(job_title or "").strip(),
        role=role,
        language=language,
        email_verified_at=utcnow() if verified else None,
        approval=approval,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def sign_up(email, display_name, password, *, settings, invitation=None, **details):
    """Registration through the form, under the site's policy (settings); returns the new
    account, or None when the address already had one.

    An address that already has an account is not told on the page, which must look the
    same for a new and a known address: its owner gets a mail instead (with a link to reset
    the password). The new account is unverified until its owner opens the mailed link, and
    under the "approval" policy waits for an administrator too. An invitation admits its
    holder whatever the policy.
    """
    if invitation is None:
        check_policy(email, settings)
    elif not invitation.is_usable or (
        invitation.email and invitation.email != User.normalize_email(email)
    ):
        raise AccountError(_("This invitation is not valid for this address."))
    existing = find_user_by_email(email)
    if existing is not None:
        User(password_hash="").set_password(password)  # the same work as a new account
        # One such mail a day at most: trying again and again must not flood the owner.
        mail.queue(
            existing,
            "account_exists",
            _l("Someone tried to register with your address"),
            "account_exists",
            {"reset_url": mail.absolute_url("accounts.request_reset")},
            dedupe_key=f"account_exists:{existing.id}:{utcnow():%Y-%m-%d}",
        )
        return None
    waits = invitation is None and settings.registration_policy == "approval"
    user = register_user(email, display_name, password, verified=False,
                         approval="pending" if waits else "approved", **details)  # fmt: skip
    if invitation is not None:
        invitation.used_at = utcnow()
        invitation.used_by_id = user.id
    send_verification(user)
    return user


def check_policy(email, settings):
    """Refuse an address the registration policy does not admit without an invitation."""
    policy = settings.registration_policy
    if policy == "invitation":
        raise AccountError(_("Registration is by invitation only."))
    if policy == "domains" and not domain_allowed(email, settings.allowed_domains):
        raise AccountError(
            _("Registration is open to the addresses of member local authorities only.")
        )


def allowed_domains(text):
    """The domains of the allowlist's text: one a line (or separated by spaces or commas)."""
    words = (text or "").replace(",", " ").split()
    return [word.strip().lower().lstrip("@").rstrip(".") for word in words if word.strip()]


def domain_allowed(email, domains_text):
    """Whether the address is at an allowed domain or one of its subdomains."""
    domain = User.normalize_email(email).rpartition("@")[2]
    return bool(domain) and any(
        domain == allowed or domain.endswith("." + allowed)
        for allowed in allowed_domains(domains_text)
    )


def send_verification(user):
    """Mail the user a link that confirms their address."""
    link = mail.absolute_url("accounts.verify_email", token=tokens.verification_token(user))
    return mail.queue(user, "verify_email", _l("Confirm your address for Tabadul"),
                      "verify_email", {"link": link})  # fmt: skip


def verify_email(user):
    """Mark the address confirmed (the link was opened); a second time changes nothing."""
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()


def request_password_reset(email):
    """Mail a reset link to the account with this address, if there is an active one.

    The page says the same either way, so nothing tells whether the address has an account.
    """
    user = find_user_by_email(email)
    if user is None or not user.active or user.approval == "refused":
        return None
    link = mail.absolute_url("accounts.reset_password", token=tokens.reset_token(user))
    return mail.queue(user, "password_reset", _l("Choose a new password for Tabadul"),
                      "password_reset", {"link": link})  # fmt: skip


def reset_password(user, new_password):
    """Set the password chosen through a reset link: the link stops working, every login ends,
    and the address counts as confirmed (the mail reached its owner)."""
    user.set_password(new_password)
    sessions.end_all(user)
    verify_email(user)


def authenticate(email, password):
    """The user whose email and password match, or None; a missing user costs the same hash."""
    user = find_user_by_email(email)
    if user is None:
        User(password_hash=_DUMMY_HASH).check_password(password)
        return None
    return user if user.check_password(password) else None


def update_settings(user, *, display_name, job_title, language):
    user.display_name = _checked_display_name(display_name, user)
    user.job_title = (job_title or "").strip()
    user.language = language


def describe_self(user, *, gender, job_category):
    """The optional, self-declared fields the reports count in aggregate (None: not given);
    an unknown value is stored as not given."""
    user.gender = gender if gender in GENDERS else None
    user.job_category = job_category if job_category in JOB_CATEGORIES else None


def _checked_display_name(display_name, user):
    """The name without invisible characters; refused when nothing is left, or when it looks
    like another member's (a staff member's above all) once normalised."""
    name = visible(display_name)
    if not name:
        raise AccountError(_("The display name must have visible letters."), "display_name")
    if user is not None and likeness_key(name) == likeness_key(user.display_name):
        return name  # their own name, written another way
    if user_whose_name_looks_like(name, other_than=user) is not None:
        raise AccountError(
            _("This display name is too like another member's. Add something that tells you "
              "apart, such as your local authority."),
            "display_name",
        )  # fmt: skip
    return name


def change_password(user, new_password):
    """Set a new password and end every login of the user (the caller logs this one back in)."""
    user.set_password(new_password)
    sessions.end_all(user)


# Checked against when the email is unknown, so that timing does not tell which part was wrong.
_DUMMY_HASH = (
    "scrypt:32768:8:1$dummysaltdummysa$"
    "0bc8c2fce0d3f0b8a0e3a3b3e5c1b0a5f8d3e6a0c7b9e1d2f3a4b5c6d7e8f9a0"
    "b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2"
)
