"""The forum's tables, one module per concept; import from here."""

from forum.models.accounts import (
    APPROVAL_STATES,
    AUTHORITY_KINDS,
    GENDERS,
    GOVERNORATES,
    JOB_CATEGORIES,
    ROLES,
    Invitation,
    LocalAuthority,
    LoginSession,
    User,
)
from forum.models.attachments import Attachment, AttachmentSettings
from forum.models.base import Content, PrivateState
from forum.models.boards import BOARD_ACCESS, Board, BoardModerator, TaskForce, TaskForceMember
from forum.models.feeds import FeedToken
from forum.models.following import (
    DIGEST_LEVELS,
    LEVELS,
    BoardSubscription,
    DigestRun,
    FollowingSettings,
    Level,
    ThreadWatch,
)
from forum.models.mail import MAIL_STATUS_LABELS, Mail, MailStatus
from forum.models.moderation import FLAG_REASONS, AdminLog, Flag, ModerationLog, Notification
from forum.models.outcomes import (
    CHALLENGE_STATUSES,
    Adoption,
    ChallengeStatus,
    OutcomeChange,
    ThreadOutcome,
)
from forum.models.reading import BoardRead, Draft, ThreadRead
from forum.models.site import REGISTRATION_POLICIES, PageChange, SiteSettings, SiteState
from forum.models.tags import MAX_TAGS_PER_THREAD, Tag, ThreadTag
from forum.models.threads import (
    THREAD_KINDS,
    BoardParticipation,
    MonthlyParticipation,
    Post,
    PostRevision,
    Status,
    Thread,
)
from forum.models.tokens import TOKEN_SCOPES, PersonalToken

__all__ = [
    "APPROVAL_STATES",
    "REGISTRATION_POLICIES",
    "AUTHORITY_KINDS",
    "CHALLENGE_STATUSES",
    "BOARD_ACCESS",
    "DIGEST_LEVELS",
    "FLAG_REASONS",
    "GENDERS",
    "GOVERNORATES",
    "JOB_CATEGORIES",
    "LEVELS",
    "MAX_TAGS_PER_THREAD",
    "MAIL_STATUS_LABELS",
    "ROLES",
    "THREAD_KINDS",
    "TOKEN_SCOPES",
    "AdminLog",
    "PersonalToken",
    "Attachment",
    "AttachmentSettings",
    "Adoption",
    "Board",
    "BoardRead",
    "ChallengeStatus",
    "Content",
    "BoardModerator",
    "BoardParticipation",
    "BoardSubscription",
    "DigestRun",
    "Draft",
    "FeedToken",
    "Flag",
    "FollowingSettings",
    "Invitation",
    "Level",
    "LocalAuthority",
    "LoginSession",
    "Mail",
    "MailStatus",
    "ModerationLog",
    "MonthlyParticipation",
    "Notification",
    "OutcomeChange",
    "PageChange",
    "Post",
    "PostRevision",
    "PrivateState",
    "SiteSettings",
    "SiteState",
    "Status",
    "Tag",
    "TaskForce",
    "TaskForceMember",
    "Thread",
    "ThreadRead",
    "ThreadOutcome",
    "ThreadTag",
    "ThreadWatch",
    "User",
]
