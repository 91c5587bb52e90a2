"""The API's schemas (pydantic): they validate what callers send, shape what the API answers,
and are the OpenAPI document's components (forum.api.openapi), so the three cannot disagree.

Errors raised here have types starting with `text_`: their messages are already the caller's.
Lengths that the configuration sets (TITLE_MAX_LENGTH, BODY_MAX_LENGTH) are checked when a
request is validated, with the web forms' messages, in the caller's language.
"""

from datetime import datetime
from typing import Literal

from flask import current_app
from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from forum.names import visible

ThreadKind = Literal["question", "challenge", "success_story", "discussion"]
FlagReason = Literal["spam", "off_topic", "inappropriate", "other"]
ChallengeStatusName = Literal["open", "in_progress", "resolved", "closed"]
PAGE_SIZE = Field(default=20, ge=1, le=100, description="How many items a page holds")
CURSOR = Field(default=None, max_length=200, description="The `next` cursor of a page")


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid")


# Errors ------------------------------------------------------------------------------------


class ErrorDetail(Schema):
    code: str = Field(description="Stable, for programs: not_found, invalid_token, invalid…")
    message: str = Field(description="For people, in the caller's language")
    fields: dict[str, list[str]] = Field(description="What is wrong with each field sent")


class ErrorResponse(Schema):
    error: ErrorDetail


# What the API answers ----------------------------------------------------------------------


class Person(Schema):
    id: int
    name: str


class BoardOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    access: Literal["public", "members", "restricted"]
    task_force: str | None = Field(description="The task force's name, for its board")
    thread_count: int
    post_count: int
    last_post_at: datetime | None
    url: str = Field(description="The board's web page")


class BoardList(Schema):
    boards: list[BoardOut]


class ThreadOut(Schema):
    id: int
    board: str = Field(description="The board's slug")
    title: str
    kind: ThreadKind
    status: Literal["pending", "published", "rejected", "deleted"]
    pinned: bool
    locked: bool
    author: Person
    created_at: datetime
    published_at: datetime | None
    last_activity_at: datetime
    reply_count: int
    url: str


class ThreadList(Schema):
    threads: list[ThreadOut]
    next: str | None = Field(description="The next page's address, null on the last")


class AttachmentOut(Schema):
    id: int
    name: str = Field(description="The name it was uploaded with, cleaned for display")
    size: int = Field(description="Bytes")
    media_type: str
    url: str = Field(description="The file, for whoever may read its post")
    thumbnail_url: str | None = Field(description="A picture's thumbnail; null for documents")


class UploadOut(Schema):
    id: int = Field(description="For `attachments` of a new thread, a reply or an edit")
    name: str = Field(description="The name it was uploaded with, cleaned for display")
    media_type: str = Field(description="Found from the content, whatever the name said")
    size: int = Field(description="Bytes, as stored (a picture re-encoded without metadata)")
    is_image: bool
    markdown: str = Field(description="Placed in the post's body, shows the file there")
    thumbnail_url: str | None = Field(description="A picture's thumbnail; null for documents")


class PostOut(Schema):
    id: int
    thread_id: int
    parent_id: int | None
    depth: int
    author: Person
    state: Literal["published", "pending", "rejected", "hidden", "deleted"]
    body_html: str | None = Field(description="Null for a deleted or hidden post's placeholder")
    attachments: list[AttachmentOut] = Field(
        description="Its files, in the order they were attached; none on a placeholder"
    )
    created_at: datetime
    edited_at: datetime | None
    url: str


class ThreadWithPosts(Schema):
    thread: ThreadOut
    tags: list[str] = Field(description="Slugs of its tags")
    posts: list[PostOut] = Field(description="In thread order: depth first, as on the page")
    next: str | None


class PostWithThread(Schema):
    post: PostOut
    thread: ThreadOut


class RecentPost(Schema):
    id: int
    thread_id: int
    thread_title: str
    created_at: datetime


class AuthorityRef(Schema):
    id: int
    name: str


class MemberOut(Schema):
    id: int
    name: str
    job_title: str
    role: Literal["member", "analyst", "moderator", "admin"]
    authority: AuthorityRef | None
    joined_at: datetime
    recent_posts: list[RecentPost]
    url: str


class Figures(Schema):
    members: int
    threads: int
    replies: int
    accepted_answers: int
    adoptions: int


class AuthorityOut(Schema):
    id: int
    name: str
    kind: Literal["municipality", "village_council", "other"]
    governorate: str
    governorate_name: str
    figures: Figures = Field(description="Counted over what the caller may read")
    url: str


class AuthorityList(Schema):
    authorities: list[AuthorityOut]


class TagOut(Schema):
    id: int
    slug: str
    name: str
    thread_count: int = Field(description="Threads the caller may read")
    url: str


class TagList(Schema):
    tags: list[TagOut]


class SearchHit(Schema):
    post_id: int
    thread_id: int
    title_html: str = Field(description="The thread's title, matched words in <mark>")
    snippet_html: str
    board: str
    kind: ThreadKind
    author: Person
    created_at: datetime
    is_opening: bool
    url: str


class SearchResults(Schema):
    hits: list[SearchHit]
    more: bool = Field(description="More posts matched than a search looks at")
    next: str | None


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    excerpt: str
    link: str | None
    created_at: datetime
    unread: bool


class NotificationList(Schema):
    notifications: list[NotificationOut]
    unread: int
    next: str | None


class OutcomeOut(Schema):
    thread_id: int
    accepted_post_id: int | None
    challenge_status: str | None
    status_note: str
    solution_post_id: int | None
    solution_thread_id: int | None


class AdoptionOut(Schema):
    id: int
    thread_id: int
    authority: AuthorityRef | None
    note: str


class Done(Schema):
    done: bool


class OpenApiDocument(BaseModel):
    """The OpenAPI 3.1 document itself (validated by openapi-spec-validator in the tests)."""

    model_config = ConfigDict(extra="allow")
    openapi: str


# Query strings -----------------------------------------------------------------------------


class PageQuery(Schema):
    cursor: str | None = CURSOR
    limit: int = PAGE_SIZE


class ThreadListQuery(PageQuery):
    kind: ThreadKind | None = None
    state: Literal["unanswered", "answered"] | None = Field(
        default=None, description="With kind=question: answered or not"
    )


class SearchQuery(PageQuery):
    q: str = Field(min_length=1, max_length=200)
    order: Literal["relevance", "date"] = "relevance"


# What callers send -------------------------------------------------------------------------

ATTACHMENTS = Field(
    default_factory=list, max_length=100, description="Ids of the caller's uploads to attach"
)


def _checked_length(value, setting):
    limit = current_app.config[setting]
    if len(value) > limit:
        message = _("At most %(max)d characters (you wrote %(length)d).", max=limit,
                    length=len(value))  # fmt: skip
        raise PydanticCustomError("text_too_long", message)
    return value


def _not_blank(value):
    if not value.strip():
        raise PydanticCustomError("text_blank", _("This field is required."))
    return value


def _title(value):
    value = _checked_length(_not_blank(visible(value)), "TITLE_MAX_LENGTH")
    if len(value) < 3:
        raise PydanticCustomError("text_too_short", _("At least %(min)d characters.", min=3))
    return value


class ThreadIn(Schema):
    title: str
    kind: ThreadKind = "discussion"
    body: str = Field(description="Markdown")
    tags: list[str] = Field(default_factory=list, max_length=5, description="Tag slugs")
    attachments: list[int] = ATTACHMENTS

    _title = field_validator("title")(classmethod(lambda cls, value: _title(value)))
    _body = field_validator("body")(
        classmethod(lambda cls, value: _checked_length(_not_blank(value), "BODY_MAX_LENGTH"))
    )


class ReplyIn(Schema):
    body: str = Field(description="Markdown")
    parent_id: int | None = Field(default=None, description="The post replied to, if any")
    attachments: list[int] = ATTACHMENTS

    _body = field_validator("body")(
        classmethod(lambda cls, value: _checked_length(_not_blank(value), "BODY_MAX_LENGTH"))
    )


class PostEdit(Schema):
    body: str = Field(description="Markdown")
    title: str | None = Field(default=None, description="For an opening post: its thread's")
    attachments: list[int] = ATTACHMENTS
    remove_attachments: list[int] = Field(
        default_factory=list, max_length=100, description="Ids of the post's files to take off"
    )

    _title = field_validator("title")(
        classmethod(lambda cls, value: None if value is None else _title(value))
    )
    _body = field_validator("body")(
        classmethod(lambda cls, value: _checked_length(_not_blank(value), "BODY_MAX_LENGTH"))
    )


class FlagIn(Schema):
    reason: FlagReason
    text: str = Field(default="", max_length=1000)


class NotificationsRead(Schema):
    ids: list[int] | None = Field(default=None, description="These only; all when absent")


class ChallengeStatusIn(Schema):
    status: ChallengeStatusName
    note: str = Field(default="", max_length=2000)
    solution_post_id: int | None = None
    solution_thread_id: int | None = None


class AdoptionIn(Schema):
    note: str = Field(min_length=1, max_length=1000)
    contact: str = Field(default="", max_length=200)
