"""The permission matrix: every role against every route that shows or changes content.

Each case expects one of four answers per role:
  OK         the page, or the action done: the case's own answer, with where it redirects to;
  LOGIN      sent to the login page, to come back to this address afterwards;
  FORBIDDEN  403: content they may see, but an action that is not theirs;
  NOT_FOUND  404: content they must not learn exists.
or, rarely, an Answer of its own (a signed-in person asking for the login page is sent home).

The reading cases run together, one test per role. A case that changes something runs alone,
one test per case and role on fresh data, so that no answer depends on what ran before it.
A guard test walks app.url_map, so that a new route cannot ship without a row here.
"""

import io
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from flask_login import current_user, login_user
from sqlalchemy import select

from forum import permissions
from forum.admin.actions import create_invitation
from forum.api import views as api_views  # noqa: F401  (registers the API's operations)
from forum.api.operations import OPERATIONS as API_OPERATIONS
from forum.attachments import actions as attachment_actions
from forum.clock import utcnow
from forum.extensions import db
from forum.feeds.actions import issue_feed_token, revoke_feed_token
from forum.following import actions as following
from forum.following.unsubscribe import make_token
from forum.mail import queue_test_mail
from forum.models import Post, Status, Tag, TaskForce, Thread, User
from forum.notifications import notify
from forum.outcomes import actions as outcomes
from forum.threads.queries import page_of_posts
from tests import attachment_files
from tests.factories import (
    PASSWORD,
    board_by_slug,
    make_authority,
    make_person,
    make_reply,
    make_thread,
)

API_ENDPOINTS = frozenset(operation.endpoint for operation in API_OPERATIONS)
ROLES = (
    "visitor", "member", "task_force_member", "other_task_force_member", "moderator",
    "other_moderator", "admin", "analyst", "suspended",
)  # fmt: skip
# Who may read the financial experts' restricted board.
INSIDERS = ("task_force_member", "moderator", "admin")
SIGNED_IN = tuple(role for role in ROLES if role not in ("visitor", "suspended"))

OK, LOGIN, FORBIDDEN, NOT_FOUND = "ok", "login", "403", "404"


@dataclass(frozen=True)
class Answer:
    """A status and, for a redirect, where to: a regular expression, with the scenario's ids."""

    status: int
    location: str | None = None

    def problem(self, response, scenario):
        if response.status_code != self.status:
            return f"answered {response.status_code}, expected {self.status}"
        if self.location is None:
            return None
        expected, actual = self.location.format_map(scenario), response.headers["Location"]
        return None if re.fullmatch(expected, actual) else f"went to {actual}, not {expected}"


PAGE = Answer(200)
SENT_HOME = Answer(302, "/")
NEW_POST = Answer(302, r"/p/\d+")


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    url: str  # formatted with the scenario's ids, like the form's values
    expected: dict  # role → OK, LOGIN, FORBIDDEN or NOT_FOUND
    ok: Answer = PAGE
    data: dict | None = None
    changes: bool | None = None  # a POST changes something; a GET that does says so

    @property
    def changes_something(self):
        return self.method != "GET" if self.changes is None else self.changes

    def __str__(self):
        return f"{self.method} {self.url}"


def expect(default, **by_role):
    """An analyst is a member who also reads the reports: answered as the member is, unless
    the case says otherwise."""
    by_role.setdefault("analyst", by_role.get("member", default))
    return {role: by_role.get(role, default) for role in ROLES}


def for_roles(roles, answer, otherwise):
    if "member" in roles:
        roles = (*roles, "analyst")
    return {role: answer if role in roles else otherwise for role in ROLES}


SIGNED_IN_ONLY = for_roles(SIGNED_IN, OK, LOGIN)
# The moderation area is no secret: members are refused (403), visitors asked to log in.
MOD_AREA = expect(FORBIDDEN, visitor=LOGIN, suspended=LOGIN, moderator=OK, other_moderator=OK,
                  admin=OK)  # fmt: skip
MODERATORS_OF_THE_BOARD = expect(FORBIDDEN, visitor=LOGIN, suspended=LOGIN, moderator=OK, admin=OK)
# A moderator of another board gets 404 for pending or restricted content they cannot read.
CANNOT_READ_IT = expect(FORBIDDEN, visitor=LOGIN, suspended=LOGIN, moderator=OK,
                        other_moderator=NOT_FOUND, admin=OK)  # fmt: skip
# The administration does not exist for anyone else, visitors included.
ADMIN_ONLY = expect(NOT_FOUND, admin=OK)
LOGIN_FIRST = {"visitor": LOGIN, "suspended": LOGIN}
# The reports, like the administration, do not exist for anyone else.
REPORT_READERS = expect(NOT_FOUND, admin=OK, analyst=OK)

CASES = [
    Case("boards.home", "GET", "/", expect(OK)),
    Case("boards.show_board", "GET", "/b/financial-management", expect(OK)),
    Case("boards.show_board", "GET", "/b/tf-financial-experts", for_roles(INSIDERS, OK, NOT_FOUND)),
    Case("threads.show_thread", "GET", "/t/{public_thread}", expect(OK)),
    Case("threads.show_thread", "GET", "/t/{restricted_thread}",
         for_roles(INSIDERS, OK, NOT_FOUND)),
    Case("threads.show_thread", "GET", "/t/{pending_thread}",
         for_roles(("moderator", "admin"), OK, NOT_FOUND)),
    # An address with a slug redirects whoever asks: the thread page then decides.
    Case("threads.show_thread_with_slug", "GET", "/t/{restricted_thread}/slug", expect(OK),
         ok=Answer(301, "/t/{restricted_thread}")),
    Case("threads.show_post", "GET", "/p/{public_reply}", expect(OK),
         ok=Answer(302, "/t/{public_thread}#post-{public_reply}")),
    Case("threads.show_post", "GET", "/p/{restricted_post}", for_roles(INSIDERS, OK, NOT_FOUND),
         ok=Answer(302, "/t/{restricted_thread}#post-{restricted_post}")),
    Case("reading.first_unread", "GET", "/t/{public_thread}/unread", expect(OK),
         ok=Answer(302, r"/(t|p)/\d+")),
    Case("reading.first_unread", "GET", "/t/{restricted_thread}/unread",
         for_roles(INSIDERS, OK, NOT_FOUND), ok=Answer(302, r"/(t|p)/\d+")),
    Case("boards.mark_board_read", "POST", "/b/financial-management/read", SIGNED_IN_ONLY,
         data={}, ok=Answer(302, "/b/financial-management")),
    Case("boards.mark_board_read", "POST", "/b/tf-financial-experts/read",
         expect(NOT_FOUND, **LOGIN_FIRST, task_force_member=OK, moderator=OK, admin=OK),
         data={}, ok=Answer(302, "/b/tf-financial-experts")),
    Case("threads.new_thread", "GET", "/t/new?board=financial-management", SIGNED_IN_ONLY),
    Case("threads.new_thread", "GET", "/t/new?board=tf-financial-experts",
         expect(NOT_FOUND, **LOGIN_FIRST, task_force_member=OK, moderator=OK, admin=OK)),
    Case("threads.reply", "POST", "/t/{public_thread}/reply", SIGNED_IN_ONLY,
         data={"body": "رد"}, ok=NEW_POST),
    Case("threads.reply", "POST", "/t/{restricted_thread}/reply",
         expect(NOT_FOUND, **LOGIN_FIRST, task_force_member=OK, moderator=OK, admin=OK),
         data={"body": "رد"}, ok=NEW_POST),
    Case("threads.reply", "GET", "/t/{pending_thread}/reply",
         expect(NOT_FOUND, **LOGIN_FIRST, moderator=FORBIDDEN, admin=FORBIDDEN)),
    Case("threads.edit_post", "GET", "/p/{public_reply}/edit", MODERATORS_OF_THE_BOARD),
    Case("threads.edit_post", "GET", "/p/{restricted_post}/edit",
         expect(NOT_FOUND, **LOGIN_FIRST, task_force_member=OK, moderator=OK, admin=OK)),
    Case("threads.delete_post", "POST", "/p/{public_reply}/delete", MODERATORS_OF_THE_BOARD,
         data={}, ok=Answer(302, "/t/{public_thread}")),
    Case("threads.delete_post", "GET", "/p/{restricted_post}/delete",
         expect(NOT_FOUND, **LOGIN_FIRST, task_force_member=OK, moderator=OK, admin=OK)),
    Case("accounts.profile", "GET", "/u/{author}", expect(OK)),
    # Everyone may search; what each finds is the policy's (tests/test_search.py).
    Case("search.show_results", "GET", "/search?q=موضوع", expect(OK)),
    Case("search.suggest_titles", "GET", "/search/titles?q=موضوع", expect(OK)),
    Case("accounts.settings", "GET", "/settings", SIGNED_IN_ONLY),
    Case("accounts.change_password", "POST", "/settings/password", SIGNED_IN_ONLY,
         data={"password-current_password": PASSWORD, "password-new_password": "a new password",
               "password-confirm": "a new password"},
         ok=Answer(302, "/settings")),
    Case("accounts.login", "GET", "/auth/login", for_roles(SIGNED_IN, SENT_HOME, OK)),
    Case("accounts.register", "GET", "/auth/register", for_roles(SIGNED_IN, SENT_HOME, OK)),
    Case("accounts.logout", "POST", "/auth/logout", expect(OK), data={}, ok=SENT_HOME),
    Case("accounts.logout_everywhere", "POST", "/settings/logout-everywhere", SIGNED_IN_ONLY,
         data={}, ok=Answer(302, "/auth/login")),
    Case("accounts.verify_email", "GET", "/auth/verify/not-a-token", expect(NOT_FOUND)),
    Case("accounts.resend_verification", "POST", "/auth/verify/resend", SIGNED_IN_ONLY,
         data={}, ok=Answer(302, "/settings")),
    Case("accounts.request_reset", "GET", "/auth/reset", expect(OK)),
    Case("accounts.reset_password", "GET", "/auth/reset/not-a-token", expect(NOT_FOUND)),
    # A typed address asks to confirm with a button; a visitor has nothing to log out of.
    Case("accounts.logout", "GET", "/auth/logout", expect(OK, visitor=SENT_HOME,
                                                       suspended=SENT_HOME)),
    Case("site.healthz", "GET", "/healthz", expect(OK)),
    Case("site.switch_language", "POST", "/language", expect(OK), data={"language": "en"},
         ok=SENT_HOME),
    # A plain link, so that visitors' pages carry no form; it still saves a member's choice.
    Case("site.choose_language", "GET", "/language/en", expect(OK), ok=SENT_HOME, changes=True),
    Case("moderation.show_queue", "GET", "/mod/queue", MOD_AREA),
    Case("moderation.show_flags", "GET", "/mod/flags", MOD_AREA),
    Case("moderation.show_log", "GET", "/mod/log", MOD_AREA),
    Case("moderation.show_queue", "POST", "/mod/queue", CANNOT_READ_IT,
         data={"approve_one": "thread-{pending_thread}"}, ok=Answer(302, "/mod/queue")),
    Case("moderation.reject_item", "GET", "/mod/queue/thread/{pending_thread}/reject",
         CANNOT_READ_IT),
    Case("moderation.edit_item", "GET", "/mod/queue/thread/{pending_thread}/edit",
         CANNOT_READ_IT),
    Case("moderation.resolve_flags", "POST", "/mod/flags/{public_reply}",
         MODERATORS_OF_THE_BOARD, data={"keep": "1"}, ok=Answer(302, "/mod/flags")),
    Case("moderation.edit_flagged", "GET", "/mod/flags/{public_reply}/edit",
         MODERATORS_OF_THE_BOARD),
    Case("moderation.act_on_thread", "POST", "/mod/t/{public_thread}/lock",
         MODERATORS_OF_THE_BOARD, data={}, ok=Answer(302, "/t/{public_thread}")),
    Case("moderation.act_on_thread", "POST", "/mod/t/{restricted_thread}/pin", CANNOT_READ_IT,
         data={}, ok=Answer(302, "/t/{restricted_thread}")),
    Case("moderation.act_on_post", "POST", "/mod/p/{public_reply}/unhide",
         MODERATORS_OF_THE_BOARD, data={}, ok=Answer(302, "/p/{public_reply}")),
    Case("moderation.move_thread", "GET", "/mod/t/{public_thread}/move",
         MODERATORS_OF_THE_BOARD),
    # A post's history is for moderators; visitors are refused, not asked to log in.
    Case("posts.show_history", "GET", "/p/{public_reply}/history",
         expect(FORBIDDEN, moderator=OK, admin=OK)),
    Case("posts.show_history", "GET", "/p/{restricted_post}/history",
         for_roles(INSIDERS, OK, NOT_FOUND)),
    Case("posts.flag_post", "GET", "/p/{public_reply}/flag", SIGNED_IN_ONLY),
    Case("posts.flag_post", "GET", "/p/{restricted_post}/flag",
         expect(NOT_FOUND, **LOGIN_FIRST, task_force_member=FORBIDDEN, moderator=OK, admin=OK)),
    Case("notifications.list_notifications", "GET", "/notifications", SIGNED_IN_ONLY),
    Case("notifications.mark_all_read", "POST", "/notifications/read", SIGNED_IN_ONLY,
         data={}, ok=Answer(302, "/notifications")),
    # Someone else's notification, as if it did not exist.
    Case("notifications.open_notification", "POST", "/notifications/{authors_notification}/open",
         expect(NOT_FOUND, **LOGIN_FIRST), data={}),
    Case("admin.dashboard", "GET", "/admin/", ADMIN_ONLY),
    Case("admin.show_log", "GET", "/admin/log", ADMIN_ONLY),
    Case("admin.list_authorities", "GET", "/admin/authorities", ADMIN_ONLY),
    Case("admin.new_authority", "GET", "/admin/authorities/new", ADMIN_ONLY),
    Case("admin.edit_authority", "GET", "/admin/authorities/{authority}", ADMIN_ONLY),
    Case("admin.list_boards", "GET", "/admin/boards", ADMIN_ONLY),
    Case("admin.new_board", "GET", "/admin/boards/new", ADMIN_ONLY),
    Case("admin.edit_board", "GET", "/admin/boards/{board}", ADMIN_ONLY),
    Case("admin.list_task_forces", "GET", "/admin/task-forces", ADMIN_ONLY),
    Case("admin.new_task_force", "GET", "/admin/task-forces/new", ADMIN_ONLY),
    Case("admin.show_task_force", "GET", "/admin/task-forces/{task_force}", ADMIN_ONLY),
    Case("admin.list_users", "GET", "/admin/users", ADMIN_ONLY),
    Case("admin.show_user", "GET", "/admin/users/{author}", ADMIN_ONLY),
    Case("admin.add_task_force_member", "POST", "/admin/task-forces/{task_force}/members",
         ADMIN_ONLY, data={"member-email": "{author_email}", "member-authority_id": "0"},
         ok=Answer(302, "/admin/task-forces/{task_force}")),
    Case("admin.remove_task_force_member", "POST",
         "/admin/task-forces/{task_force}/members/{task_force_member}/remove", ADMIN_ONLY,
         data={}, ok=Answer(302, "/admin/task-forces/{task_force}")),
    Case("admin.update_user_access", "POST", "/admin/users/{author}/access", ADMIN_ONLY,
         data={"role": "moderator"}, ok=Answer(302, "/admin/users/{author}")),
    Case("admin.suspend_user", "POST", "/admin/users/{author}/suspend", ADMIN_ONLY,
         data={"suspend-reason": "spam"}, ok=Answer(302, "/admin/users/{author}")),
    Case("admin.reactivate_user", "POST", "/admin/users/{suspended_author}/reactivate",
         ADMIN_ONLY, data={}, ok=Answer(302, "/admin/users/{suspended_author}")),
    # The mail outbox (forum.mail): part of /admin, so 404 for everyone but administrators.
    Case("admin.show_registration", "GET", "/admin/registration", ADMIN_ONLY),
    Case("admin.update_registration", "POST", "/admin/registration", ADMIN_ONLY,
         data={"registration_policy": "approval", "allowed_domains": ""},
         ok=Answer(302, "/admin/registration")),
    Case("admin.create_invitation", "POST", "/admin/registration/invitations", ADMIN_ONLY,
         data={"invite-email": "", "invite-note": "", "invite-days": "7"}),
    Case("admin.revoke_invitation", "POST", "/admin/registration/invitations/{invitation}/revoke",
         ADMIN_ONLY, data={}, ok=Answer(302, "/admin/registration")),
    Case("admin.approve_account", "POST", "/admin/users/{pending_author}/approve", ADMIN_ONLY,
         data={}, ok=Answer(302, "/admin/registration")),
    Case("admin.refuse_account", "POST", "/admin/users/{pending_author}/refuse", ADMIN_ONLY,
         data={}, ok=Answer(302, "/admin/registration")),
    Case("admin.list_mail", "GET", "/admin/mail", ADMIN_ONLY),
    Case("admin.list_mail", "GET", "/admin/mail?status=failed", ADMIN_ONLY),
    Case("admin.show_mail", "GET", "/admin/mail/{mail}", ADMIN_ONLY),
    Case("admin.show_mail_html", "GET", "/admin/mail/{mail}/html", ADMIN_ONLY),
    Case("admin.retry_mail", "POST", "/admin/mail/{mail}/retry", ADMIN_ONLY, data={},
         ok=Answer(302, "/admin/mail/{mail}")),
    # Following (forum.following): members follow and watch what they may read. Unsubscribe
    # links work for whoever holds one, logged in or not; a bad token is 404 for everyone.
    Case("following.follow_board", "POST", "/b/financial-management/follow", SIGNED_IN_ONLY,
         data={"level": "daily"}, ok=Answer(302, "/b/financial-management")),
    Case("following.follow_board", "POST", "/b/tf-financial-experts/follow",
         expect(NOT_FOUND, **LOGIN_FIRST, task_force_member=OK, moderator=OK, admin=OK),
         data={"level": "daily"}, ok=Answer(302, "/b/tf-financial-experts")),
    Case("following.watch_thread", "POST", "/t/{public_thread}/watch", SIGNED_IN_ONLY,
         data={}, ok=Answer(302, "/t/{public_thread}")),
    Case("following.watch_thread", "POST", "/t/{restricted_thread}/watch",
         expect(NOT_FOUND, **LOGIN_FIRST, task_force_member=OK, moderator=OK, admin=OK),
         data={}, ok=Answer(302, "/t/{restricted_thread}")),
    Case("following.unwatch_thread", "POST", "/t/{public_thread}/unwatch", SIGNED_IN_ONLY,
         data={}, ok=Answer(302, "/t/{public_thread}")),
    Case("following.show_subscriptions", "GET", "/settings/subscriptions", SIGNED_IN_ONLY),
    Case("following.preview_digest", "GET", "/settings/digest", SIGNED_IN_ONLY),
    Case("following.save_preferences", "POST", "/settings/subscriptions/preferences",
         SIGNED_IN_ONLY, data={"new_board_level": "", "digest_weekday": "6",
                               "digest_hour": "8", "digest_timezone": "UTC"},
         ok=Answer(302, "/settings/subscriptions")),
    Case("following.save_board_levels", "POST", "/settings/subscriptions/boards",
         SIGNED_IN_ONLY, data={}, ok=Answer(302, "/settings/subscriptions")),
    Case("following.unsubscribe_page", "GET", "/unsubscribe/{unsubscribe}", expect(OK)),
    Case("following.unsubscribe_page", "GET", "/unsubscribe/not-a-token", expect(NOT_FOUND)),
    Case("following.unsubscribe_at_once", "POST", "/unsubscribe/{unsubscribe}", expect(OK),
         data={"List-Unsubscribe": "One-Click"}),
    Case("following.unsubscribe_at_once", "POST", "/unsubscribe/not-a-token",
         expect(NOT_FOUND), data={}),
    Case("following.unsubscribe_choose", "POST", "/unsubscribe/{unsubscribe}/choose",
         expect(OK), data={"level": "weekly"}, ok=Answer(302, "/unsubscribe/{unsubscribe}")),
    Case("following.unsubscribe_choose", "POST", "/unsubscribe/not-a-token/choose",
         expect(NOT_FOUND), data={}),
    # Outcomes (forum.outcomes): the asker or author decides, or a moderator of the board.
    Case("outcomes.accept_answer", "POST", "/p/{public_reply}/accept", MODERATORS_OF_THE_BOARD,
         data={}, ok=Answer(302, "/p/{public_reply}")),
    Case("outcomes.accept_answer", "POST", "/p/{restricted_post}/accept",
         expect(NOT_FOUND, **LOGIN_FIRST, task_force_member=OK, moderator=OK, admin=OK),
         data={}, ok=Answer(302, "/p/{restricted_post}")),
    Case("outcomes.clear_answer", "POST", "/t/{public_thread}/answer/clear",
         MODERATORS_OF_THE_BOARD, data={}, ok=Answer(302, "/t/{public_thread}")),
    Case("outcomes.set_challenge_status", "GET", "/t/{public_challenge}/status",
         MODERATORS_OF_THE_BOARD),
    Case("outcomes.set_challenge_status", "POST", "/t/{public_challenge}/status",
         MODERATORS_OF_THE_BOARD, data={"status": "resolved", "note": "تم"},
         ok=Answer(302, "/t/{public_challenge}")),
    # A question has no status: refused even to its moderators.
    Case("outcomes.set_challenge_status", "GET", "/t/{public_thread}/status",
         expect(FORBIDDEN, **LOGIN_FIRST)),
    Case("outcomes.set_challenge_status", "GET", "/t/{restricted_thread}/status",
         expect(NOT_FOUND, **LOGIN_FIRST, task_force_member=FORBIDDEN, moderator=FORBIDDEN,
                admin=FORBIDDEN)),
    # Members of a local authority other than the story's adopt it; the staff roles have none.
    Case("outcomes.adopt_story", "GET", "/t/{public_story}/adopt",
         for_roles(("member", "task_force_member", "other_task_force_member"), OK,
                   FORBIDDEN) | LOGIN_FIRST),
    Case("outcomes.adopt_story", "POST", "/t/{public_story}/adopt",
         for_roles(("member", "task_force_member", "other_task_force_member"), OK,
                   FORBIDDEN) | LOGIN_FIRST,
         data={"note": "طبقناها"}, ok=Answer(302, "/t/{public_story}")),
    Case("outcomes.withdraw_adoption", "POST", "/adoptions/{adoption}/withdraw",
         MODERATORS_OF_THE_BOARD, data={}, ok=Answer(302, "/t/{public_story}")),
    # Tags (forum.tags): pages for everyone; the list kept by moderators of any board.
    Case("tags.list_tags", "GET", "/tags", expect(OK)),
    Case("tags.show_tag", "GET", "/tags/solid-waste", expect(OK)),
    Case("tags.show_tag", "GET", "/tags/no-such-tag", expect(NOT_FOUND)),
    Case("tags.manage_tags", "GET", "/tags/manage", MOD_AREA),
    Case("tags.manage_tags", "POST", "/tags/manage", MOD_AREA,
         data={"slug": "street-lighting", "name_ar": "إنارة الشوارع",
               "name_en": "Street lighting"}, ok=Answer(302, "/tags/manage")),
    Case("tags.edit_tag", "GET", "/tags/manage/{tag}", MOD_AREA),
    Case("tags.retag_thread", "GET", "/t/{public_thread}/tags", MODERATORS_OF_THE_BOARD),
    Case("tags.retag_thread", "POST", "/t/{public_thread}/tags", MODERATORS_OF_THE_BOARD,
         data={"tags": "{tag}"}, ok=Answer(302, "/t/{public_thread}")),
    # Local authorities' pages (forum.authorities): for everyone, figures by what they may read.
    Case("authorities.list_authorities", "GET", "/authorities", expect(OK)),
    Case("authorities.show_authority", "GET", "/authorities/{authority}", expect(OK)),
    Case("authorities.show_authority", "GET", "/authorities/999999", expect(NOT_FOUND)),
    # Participation reports (forum.reports): administrators and analysts; 404 for the others.
    Case("reports.show_report", "GET", "/reports", REPORT_READERS),
    Case("reports.show_report", "GET", "/reports?by=authority&start=2026-01-01", REPORT_READERS),
    Case("reports.download_report", "GET", "/reports.csv?by=governorate", REPORT_READERS),
    Case("tags.retag_thread", "GET", "/t/{restricted_thread}/tags", CANNOT_READ_IT
         | {"member": NOT_FOUND, "analyst": NOT_FOUND, "task_force_member": FORBIDDEN,
            "other_task_force_member": NOT_FOUND}),
    # Atom feeds (forum.feeds): read as a visitor whoever the browser's member is (a session
    # opens no feed); the token cases are test_feeds_by_token's, below.
    Case("feeds.board_feed", "GET", "/b/financial-management/feed.atom", expect(OK)),
    Case("feeds.board_feed", "GET", "/b/tf-financial-experts/feed.atom", expect(NOT_FOUND)),
    Case("feeds.thread_feed", "GET", "/t/{public_thread}/feed.atom", expect(OK)),
    Case("feeds.thread_feed", "GET", "/t/{restricted_thread}/feed.atom", expect(NOT_FOUND)),
    Case("feeds.thread_feed", "GET", "/t/{pending_thread}/feed.atom", expect(NOT_FOUND)),
    Case("feeds.tag_feed", "GET", "/tags/solid-waste/feed.atom", expect(OK)),
    Case("feeds.tag_feed", "GET", "/tags/no-such-tag/feed.atom", expect(NOT_FOUND)),
    Case("feeds.issue_token", "POST", "/settings/tokens/feed", SIGNED_IN_ONLY, data={},
         ok=Answer(302, "/settings/tokens#feed-token")),
    Case("feeds.revoke_token", "POST", "/settings/tokens/feed/revoke", SIGNED_IN_ONLY, data={},
         ok=Answer(302, "/settings/tokens#feed-token")),
    # The API's pages for people (forum.api.pages); the API itself: tests/test_api_permissions.py.
    Case("api_pages.show_reference", "GET", "/api/docs", expect(OK)),
    Case("api_pages.show_tokens", "GET", "/settings/tokens", SIGNED_IN_ONLY),
    Case("api_pages.show_tokens", "POST", "/settings/tokens", SIGNED_IN_ONLY,
         data={"name": "script", "scopes": "read"}),
    # Someone else's token: as if it did not exist.
    Case("api_pages.revoke_token", "POST", "/settings/tokens/{authors_token}/revoke",
         expect(NOT_FOUND, **LOGIN_FIRST), data={}),
    # Attachments (forum.attachments): a file is read by whoever reads its post; a staged one
    # by its uploader alone (the author, none of the roles); guessed ids answer 404.
    Case("attachments.download", "GET", "/attachments/{public_file}", expect(OK)),
    Case("attachments.download", "GET", "/attachments/{restricted_file}",
         for_roles(INSIDERS, OK, NOT_FOUND)),
    Case("attachments.thumbnail", "GET", "/attachments/{restricted_picture}/thumbnail",
         for_roles(INSIDERS, OK, NOT_FOUND)),
    Case("attachments.download", "GET", "/attachments/{staged_file}", expect(NOT_FOUND)),
    Case("attachments.download", "GET", "/attachments/999999", expect(NOT_FOUND)),
    # Members may upload; with no file sent, the answer is the form's refusal (422).
    Case("attachments.upload_file", "POST", "/attachments", for_roles(SIGNED_IN, OK, LOGIN),
         data={}, ok=Answer(422)),
    Case("attachments.discard_upload", "POST", "/attachments/{staged_file}/discard",
         expect(NOT_FOUND, **LOGIN_FIRST), data={}),
    Case("attachments.remove_attachment", "GET", "/mod/attachments/{public_file}/remove",
         MODERATORS_OF_THE_BOARD),
    Case("attachments.remove_attachment", "GET", "/mod/attachments/{restricted_file}/remove",
         expect(NOT_FOUND, **LOGIN_FIRST, task_force_member=FORBIDDEN, moderator=OK, admin=OK)),
    Case("attachments.show_settings", "GET", "/admin/attachments", ADMIN_ONLY),
    Case("attachments.update_settings", "POST", "/admin/attachments", ADMIN_ONLY,
         data={"types": "pdf", "max_file": "5", "max_post": "10", "max_daily": "50"},
         ok=Answer(302, "/admin/attachments")),
]  # fmt: skip

# Routes that show or change no forum content, or are covered elsewhere, with the reason.
NOT_IN_MATRIX = {
    "static": "files from static/, no content",
    **{
        endpoint: "the JSON API's own matrix: tests/test_api_permissions.py"
        for endpoint in API_ENDPOINTS
    },
}

READING = [case for case in CASES if not case.changes_something]
CHANGING = [case for case in CASES if case.changes_something]


class Scenario(dict):
    """The content the cases name in their addresses, each piece made the first time a case
    names it: a case that changes something pays only for what it uses."""

    def __init__(self, app, makers):
        super().__init__()
        self.app, self.makers = app, makers

    def __missing__(self, name):
        with self.app.app_context():
            self.update(self.makers[name]())
        return self[name]

    def make_everything(self):
        for name in self.makers:
            self[name]


@pytest.fixture
def scenario(app, task_force_member, authority):
    """Public, restricted and pending content by an author who is none of the roles."""

    def author():
        person = make_person(authority_id=authority)
        return {"author": person.id, "author_email": person.email}

    def suspended_author():
        return {"suspended_author": make_person(authority_id=authority, suspended=True).id}

    def public_thread():
        thread = make_thread(content["author"], title="موضوع عام")
        return {"public_thread": thread.id, "public_post": thread.first_post_id}

    def public_reply():
        thread = db.session.get(Thread, content["public_thread"])
        return {"public_reply": make_reply(content["author"], thread, body="رد عام").id}

    def restricted_thread():
        thread = make_thread(task_force_member.id, "tf-financial-experts", title="سر الفريق",
                             body="نص سري")  # fmt: skip
        return {"restricted_thread": thread.id, "restricted_post": thread.first_post_id}

    def pending_thread():
        thread = make_thread(content["author"], title="موضوع معلق", published=False)
        return {"pending_thread": thread.id}

    def authors_notification():
        thread = db.session.get(Thread, content["public_thread"])
        notification = notify(content["author"], "thread_approved", thread=thread)
        db.session.commit()
        return {"authors_notification": notification.id}

    def authors_token():
        from forum.api.tokens import create_token

        made, _secret = create_token(db.session.get(User, content["author"]), name="s",
                                     scopes=["read"])  # fmt: skip
        db.session.commit()
        return {"authors_token": made.id}

    def mail():
        queued = queue_test_mail(db.session.get(User, content["author"]))
        db.session.commit()
        return {"mail": queued.id}

    def unsubscribe():
        """The author's link to stop following a board they follow."""
        author = db.session.get(User, content["author"])
        board = board_by_slug("financial-management")
        following.follow_board(author, board, "instant")
        db.session.commit()
        return {"unsubscribe": make_token(author, board=board)}

    def pending_author():
        user = db.session.get(User, make_person(authority_id=authority).id)
        user.approval = "pending"
        db.session.commit()
        return {"pending_author": user.id}

    def invitation():
        made, _link = create_invitation(None, days=3)
        db.session.commit()
        return {"invitation": made.id}

    def public_challenge():
        thread = make_thread(content["author"], title="تحدٍّ عام", kind="challenge")
        return {"public_challenge": thread.id}

    def public_story():
        """A success story from a local authority that none of the roles works for."""
        elsewhere = make_authority("بلدية أخرى", "Another Municipality", governorate="hebron")
        writer = make_person(authority_id=elsewhere.id)
        thread = make_thread(writer.id, title="قصة نجاح", kind="success_story")
        return {"public_story": thread.id}

    def adoption():
        """Recorded by a member of the roles' authority who is none of the roles."""
        adopter = db.session.get(User, make_person(authority_id=authority).id)
        thread = db.session.get(Thread, content["public_story"])
        adopted = outcomes.adopt_story(adopter, thread, note="طبقناها")
        db.session.commit()
        return {"adoption": adopted.id}

    def places():
        task_force = db.session.scalar(
            select(TaskForce).where(TaskForce.slug == "financial-experts")
        )
        return {
            "tag": db.session.scalar(select(Tag.id).where(Tag.slug == "solid-waste")),
            "authority": authority,
            "board": board_by_slug("financial-management").id,
            "task_force": task_force.id,
            "task_force_member": task_force_member.id,
        }

    def attached(author_id, thread_id, data, name):
        author, thread = db.session.get(User, author_id), db.session.get(Thread, thread_id)
        post = db.session.get(Post, thread.first_post_id)
        uploaded = attachment_actions.upload(author, io.BytesIO(data), name)
        attachment_actions.attach(author, post, [uploaded])
        db.session.commit()
        return uploaded.id

    def files():
        """A public file, a restricted one and a restricted picture, and a staged upload."""
        pdf, picture = attachment_files.pdf(), attachment_files.png()
        staged = attachment_actions.upload(
            db.session.get(User, content["author"]), io.BytesIO(picture), "staged.png"
        )
        db.session.commit()
        return {
            "public_file": attached(content["author"], content["public_thread"], pdf, "a.pdf"),
            "restricted_file": attached(task_force_member.id, content["restricted_thread"], pdf,
                                        "b.pdf"),
            "restricted_picture": attached(task_force_member.id, content["restricted_thread"],
                                           picture, "c.png"),
            "staged_file": staged.id,
        }  # fmt: skip

    makers = {
        "public_file": files, "restricted_file": files, "restricted_picture": files,
        "staged_file": files,
        "author": author, "author_email": author, "suspended_author": suspended_author,
        "public_thread": public_thread, "public_post": public_thread, "public_reply": public_reply,
        "restricted_thread": restricted_thread, "restricted_post": restricted_thread,
        "pending_thread": pending_thread, "authors_notification": authors_notification,
        "authority": places, "board": places, "task_force": places, "task_force_member": places,
        "mail": mail, "unsubscribe": unsubscribe, "pending_author": pending_author,
        "invitation": invitation, "authors_token": authors_token,
        "tag": places,
        "public_challenge": public_challenge, "public_story": public_story, "adoption": adoption,
    }  # fmt: skip
    content = Scenario(app, makers)
    return content


@pytest.fixture
def as_role(app, login, request):
    """A client logged in as the role (the suspended member was suspended after logging in)."""

    def client_for(role):
        client = app.test_client()
        if role == "visitor":
            return client
        person = request.getfixturevalue("member" if role == "suspended" else role)
        login(person, on=client)
        if role == "suspended":
            with app.app_context():
                db.session.get(User, person.id).suspended_at = utcnow()
                db.session.commit()
        return client

    return client_for


_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _token(client):
    for page in ("/settings", "/auth/login"):
        response = client.get(page)
        if response.status_code == 200:
            return _TOKEN.search(response.get_data(as_text=True)).group(1)
    raise AssertionError("no page with a CSRF token")


def _problem(client, case, role, scenario):
    """What is wrong with the answer the role gets for the case, or None."""
    url = case.url.format_map(scenario)
    if case.method == "GET":
        response = client.get(url)
    else:
        data = {name: value.format_map(scenario) for name, value in case.data.items()}
        response = client.post(url, data={**data, "csrf_token": _token(client)})
    expected = case.expected[role]
    if expected == LOGIN:
        problem = _login_problem(response, url)
    else:
        answers = {OK: case.ok, FORBIDDEN: Answer(403), NOT_FOUND: Answer(404)}
        problem = answers.get(expected, expected).problem(response, scenario)
    return problem and f"{case.method} {url} ({expected}): {problem}"


def _login_problem(response, url):
    """Sent to the login page, which will send the person back to `url`."""
    location = response.headers.get("Location", "")
    target = urlsplit(location)
    back = parse_qs(target.query).get("next") == [url]
    if response.status_code == 302 and target.path == "/auth/login" and back:
        return None
    went = f" to {location}" if location else ""
    return f"answered {response.status_code}{went}, not the login page"


@pytest.mark.parametrize("role", ROLES)
def test_reading(as_role, scenario, role):
    """Every case that changes nothing, for one role, on one scenario."""
    scenario.make_everything()
    client = as_role(role)
    wrong = [problem for case in READING if (problem := _problem(client, case, role, scenario))]
    assert wrong == []


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CHANGING, ids=str)
def test_changing(as_role, scenario, case, role):
    """One case that changes something, for one role, on data of its own."""
    problem = _problem(as_role(role), case, role, scenario)
    assert problem is None, problem


# Feeds read with a feed token: every role's own token, in every state ----------------------

# What each role's active token opens; a revoked token, or one whose owner is suspended,
# opens nothing (404), public feeds included.
FEEDS_BY_TOKEN = {
    "/b/financial-management/feed.atom": expect(OK, suspended=NOT_FOUND),
    "/b/tf-financial-experts/feed.atom": for_roles(INSIDERS, OK, NOT_FOUND),
    "/t/{public_thread}/feed.atom": expect(OK, suspended=NOT_FOUND),
    "/t/{restricted_thread}/feed.atom": for_roles(INSIDERS, OK, NOT_FOUND),
    "/t/{pending_thread}/feed.atom": expect(NOT_FOUND),
    "/tags/solid-waste/feed.atom": expect(OK, suspended=NOT_FOUND),
}
TOKEN_STATES = ("active", "revoked", "owner suspended")


@pytest.mark.parametrize("state", TOKEN_STATES)
@pytest.mark.parametrize("role", [role for role in ROLES if role != "visitor"])
def test_feeds_by_token(app, request, as_role, scenario, role, state):
    """The role's browser, logged in, reads each feed with the role's own token."""
    client = as_role(role)
    person = request.getfixturevalue("member" if role == "suspended" else role)
    with app.app_context():
        owner = db.session.get(User, person.id)
        token = issue_feed_token(owner)
        if state == "revoked":
            revoke_feed_token(owner)
        elif state == "owner suspended":
            owner.suspended_at = utcnow()
        db.session.commit()
    wrong = []
    for url, by_role in FEEDS_BY_TOKEN.items():
        url = url.format_map(scenario)
        expected = by_role[role] if state == "active" else NOT_FOUND
        status = client.get(url, query_string={"token": token}).status_code
        if status != {OK: 200, NOT_FOUND: 404}[expected]:
            wrong.append(f"{url} ({expected}): answered {status}")
    assert wrong == []


def test_every_route_is_in_the_matrix(app):
    covered = {case.endpoint for case in CASES} | set(NOT_IN_MATRIX)
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(endpoints - covered) == [], "routes missing from the permission matrix"


# The thread page's answers for a page of posts ----------------------------------------------

POST_STATES = {
    "published": {},
    "pending": {"status": Status.PENDING},
    "rejected": {"status": Status.REJECTED},
    "deleted": {"deleted_at": utcnow()},
    "hidden": {"hidden_at": utcnow()},
}
# Thread states set after the replies were written (a thread takes replies only when published).
THREAD_STATES = {
    "published": ("financial-management", {}),
    "locked": ("financial-management", {"locked": True}),
    "pending": ("financial-management", {"status": Status.PENDING}),
    "rejected": ("financial-management", {"status": Status.REJECTED}),
    "deleted": ("financial-management", {"status": Status.DELETED}),
    "restricted": ("tf-financial-experts", {}),
    "other board": ("public-relations", {}),
}
READERS = ("visitor", "member", "author", "task_force_member", "moderator", "other_moderator",
           "admin", "suspended")  # fmt: skip


def _posts_in_every_state(author_id, reader_id):
    """Threads in every state, each with replies in every state by the author and the reader."""
    writers = [author_id] + ([reader_id] if reader_id not in (None, author_id) else [])
    thread_ids = []
    for name, (board, thread_columns) in THREAD_STATES.items():
        thread = make_thread(author_id, board, title=f"موضوع {name}")
        for writer in writers:
            for columns in POST_STATES.values():
                post = make_reply(writer, thread)
                for column, value in columns.items():
                    setattr(post, column, value)
        for column, value in thread_columns.items():
            setattr(thread, column, value)
        db.session.commit()
        thread_ids.append(thread.id)
    return thread_ids


@pytest.mark.parametrize("role", READERS)
def test_answers_for_a_page_agree_with_the_questions_about_one_post(app, request, role):
    """for_posts answers what can_read_post, can_edit_post… answer, post by post."""
    with app.app_context():
        author = make_person()
    readers = {"visitor": None, "author": author}
    reader = readers[role] if role in readers else request.getfixturevalue(role)
    with app.app_context():
        thread_ids = _posts_in_every_state(author.id, reader and reader.id)
    seen = set()
    with app.test_request_context():
        if reader is not None:
            login_user(db.session.get(User, reader.id), force=True)
        for thread_id in thread_ids:
            thread = db.session.get(Thread, thread_id)
            posts = db.session.scalars(select(Post).where(Post.thread_id == thread_id)).all()
            answers = permissions.for_posts(thread, posts, current_user)
            for post in posts:
                one_by_one = permissions.PostPermissions(
                    read=permissions.can_read_post(post),
                    edit=permissions.can_edit_post(post),
                    delete=permissions.can_delete_post(post),
                    flag=permissions.can_flag_post(post),
                    moderate=permissions.can_moderate_post(post),
                    view_history=permissions.can_view_history(post),
                )
                assert answers[post.id] == one_by_one, (thread.title, post.id)
                seen.add(one_by_one)
            # The thread page asks about the plain rows it reads, not ORM posts.
            if permissions.can_read_thread(thread):
                rows, total = page_of_posts(thread, current_user, number=1, per_page=100)
                assert 0 < len(rows) == total
                for post_id, may in permissions.for_posts(thread, rows, current_user).items():
                    assert may == answers[post_id], (thread.title, post_id)
    # A positive control: the posts differ enough for the answers to differ.
    assert len(seen) >= 2
