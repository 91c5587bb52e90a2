"""The forum's tables, one module per concept; import from here."""

from forum.models.accounts import AUTHORITY_KINDS, GOVERNORATES, ROLES, LocalAuthority, User
from forum.models.base import Content, PrivateState
from forum.models.boards import BOARD_ACCESS, Board, BoardModerator, TaskForce, TaskForceMember
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
from forum.models.site import PageChange, SiteState
from forum.models.tags import MAX_TAGS_PER_THREAD, Tag, ThreadTag
from forum.models.threads import THREAD_KINDS, Post, PostRevision, Status, Thread

__all__ = [
    "AUTHORITY_KINDS",
    "CHALLENGE_STATUSES",
    "BOARD_ACCESS",
    "DIGEST_LEVELS",
    "FLAG_REASONS",
    "GOVERNORATES",
    "LEVELS",
    "MAX_TAGS_PER_THREAD",
    "MAIL_STATUS_LABELS",
    "ROLES",
    "THREAD_KINDS",
    "AdminLog",
    "Adoption",
    "Board",
    "ChallengeStatus",
    "Content",
    "BoardModerator",
    "BoardSubscription",
    "DigestRun",
    "Flag",
    "FollowingSettings",
    "Level",
    "LocalAuthority",
    "Mail",
    "MailStatus",
    "ModerationLog",
    "Notification",
    "OutcomeChange",
    "PageChange",
    "Post",
    "PostRevision",
    "PrivateState",
    "SiteState",
    "Status",
    "Tag",
    "TaskForce",
    "TaskForceMember",
    "Thread",
    "ThreadOutcome",
    "ThreadTag",
    "ThreadWatch",
    "User",
]
