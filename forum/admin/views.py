"""The administration area: local authorities, boards, task forces, accounts, the admin log and
the mail outbox.

Each view parses the form, calls one action with the administrator as actor, and commits once;
a refusal from the action rolls the whole change back and is shown on the form.
"""

from datetime import datetime, time

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from forum import headers, permissions
from forum import mail as outbox
from forum.accounts.queries import (
    find_user_by_email,
    get_authority,
    get_user,
    local_authorities,
    registration_settings,
)
from forum.admin import actions, queries
from forum.admin.forms import (
    REGISTRATION_LABELS,
    ROLE_LABELS,
    AuthorityForm,
    BoardForm,
    ConfirmForm,
    InvitationForm,
    MemberForm,
    RegistrationForm,
    SuspendForm,
    TaskForceForm,
    UserAccessForm,
)
from forum.boards.queries import get_board
from forum.extensions import db
from forum.inputs import id_number
from forum.models import BOARD_ACCESS, MAIL_STATUS_LABELS
from forum.models.boards import BOARD_POSTING
from forum.pagination import Page

bp = Blueprint("admin", __name__, url_prefix="/admin")

USERS_PER_PAGE = 25
LOG_PER_PAGE = 50
MAIL_PER_PAGE = 50
# Where an admin-log row's target is managed, by AdminLog.target_type.
TARGET_ENDPOINTS = {
    "authority": ("admin.edit_authority", "authority_id"),
    "board": ("admin.edit_board", "board_id"),
    "task_force": ("admin.show_task_force", "task_force_id"),
    "user": ("admin.show_user", "user_id"),
    "mail": ("admin.show_mail", "mail_id"),
    "settings": ("admin.show_registration", None),
    "invitation": ("admin.show_registration", None),
    "attachment_settings": ("attachments.show_settings", None),
}
INVITATIONS_SHOWN = 50


@bp.before_request
def _administrators_only():
    # Everyone else, visitors included, gets 404: the area's existence does not leak.
    permissions.require(permissions.can_administer())


@bp.context_processor
def _admin_templates():
    return {
        "action_label": lambda code: actions.ACTIONS.get(code, code),
        "target_url": _target_url,
        "target_label": lambda kind: actions.TARGET_LABELS.get(kind, kind),
        "access_labels": BOARD_ACCESS,
        "posting_labels": BOARD_POSTING,
        "role_labels": ROLE_LABELS,
        "mail_status_labels": MAIL_STATUS_LABELS,
    }


def _target_url(entry):
    endpoint, argument = TARGET_ENDPOINTS.get(entry.target_type, (None, None))
    if endpoint is None or entry.target_id is None:
        return None
    if argument is None:
        return url_for(endpoint)
    return url_for(endpoint, **{argument: entry.target_id})


def _found(row):
    if row is None:
        abort(404)
    return row


def _run(form, action, *args, **kwargs):
    """Call an action as the current administrator and commit; a refusal lands on the form."""
    try:
        result = action(current_user, *args, **kwargs)
    except actions.AdminError as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        return None
    db.session.commit()
    return result


def _confirm(action, *args, done):
    """A confirm button's POST: run the action and flash what happened (or why it did not)."""
    form = ConfirmForm()
    if form.validate_on_submit():
        _run(form, action, *args)
    if form.errors:
        flash(" ".join(form.form_errors) or _("The form expired; please try again."), "error")
    else:
        flash(done, "success")


def _page(template, form=None, **context):
    failed = form is not None and bool(form.errors)
    return render_template(template, form=form, **context), 422 if failed else 200


def _fields(form, names):
    return {name: getattr(form, name).data for name in names}


@bp.get("/")
def dashboard():
    totals = queries.dashboard_totals()
    recent = queries.list_admin_log(limit=10)
    return render_template("admin/dashboard.html", totals=totals, recent=recent)


@bp.get("/log")
def show_log():
    page = Page.from_request(queries.count_admin_log(), LOG_PER_PAGE)
    entries = queries.list_admin_log(limit=LOG_PER_PAGE, offset=page.offset)
    return render_template("admin/log.html", entries=entries, page=page)


# Local authorities --------------------------------------------------------------------------

AUTHORITY_FIELDS = ("name_ar", "name_en", "kind", "governorate")


@bp.get("/authorities")
def list_authorities():
    rows = queries.authorities_with_member_counts()
    return render_template("admin/authorities.html", rows=rows)


@bp.route("/authorities/new", methods=["GET", "POST"])
def new_authority():
    form = AuthorityForm()
    if form.validate_on_submit():
        _run(form, actions.create_authority, **_fields(form, AUTHORITY_FIELDS))
        if not form.form_errors:
            flash(_("The local authority was created."), "success")
            return redirect(url_for("admin.list_authorities"))
    return _page("admin/authority.html", form, authority=None)


@bp.route("/authorities/<int:authority_id>", methods=["GET", "POST"])
def edit_authority(authority_id):
    authority = _found(get_authority(authority_id))
    form = AuthorityForm(obj=authority)
    if form.validate_on_submit():
        _run(form, actions.update_authority, authority, **_fields(form, AUTHORITY_FIELDS))
        if not form.form_errors:
            flash(_("The local authority was saved."), "success")
            return redirect(url_for("admin.list_authorities"))
    return _page("admin/authority.html", form, authority=authority)


# Boards -------------------------------------------------------------------------------------

BOARD_FIELDS = (
    "name_ar", "name_en", "description_ar", "description_en", "position", "access", "posting",
    "threads_need_approval", "replies_need_approval", "trust_threshold", "flag_threshold",
)  # fmt: skip


def _board_form(board=None):
    form = BoardForm(obj=board)
    if board is not None:
        del form.slug
    task_forces = queries.all_task_forces()
    form.task_force_id.choices = [SelectChoice(0, _("— None —"))] + [
        SelectChoice(task_force.id, task_force.name) for task_force in task_forces
    ]
    return form


def _board_values(form):
    values = _fields(form, BOARD_FIELDS)
    values["task_force"] = queries.get_task_force(form.task_force_id.data or 0)
    return values


@bp.get("/boards")
def list_boards():
    return render_template("admin/boards.html", boards=queries.all_boards())


@bp.route("/boards/new", methods=["GET", "POST"])
def new_board():
    form = _board_form()
    if request.method == "GET":
        form.position.data = queries.next_board_position()
        # From a task force's page: a restricted board for it.
        task_force = queries.get_task_force(request.args.get("task_force", 0, type=id_number))
        if task_force is not None:
            form.task_force_id.data, form.access.data = task_force.id, "restricted"
    if form.validate_on_submit():
        board = _run(form, actions.create_board, slug=form.slug.data, **_board_values(form))
        if board is not None:
            flash(_("The board was created."), "success")
            return redirect(url_for("admin.list_boards"))
    return _page("admin/board.html", form, board=None)


@bp.route("/boards/<int:board_id>", methods=["GET", "POST"])
def edit_board(board_id):
    board = _found(get_board(board_id))
    form = _board_form(board)
    if form.validate_on_submit():
        _run(form, actions.update_board, board, **_board_values(form))
        if not form.form_errors:
            flash(_("The board was saved."), "success")
            return redirect(url_for("admin.list_boards"))
    moderators = queries.board_moderators(board)
    return _page("admin/board.html", form, board=board, moderators=moderators)


# Task forces --------------------------------------------------------------------------------

TASK_FORCE_FIELDS = ("name_ar", "name_en", "purpose_ar", "purpose_en")


@bp.get("/task-forces")
def list_task_forces():
    rows = [
        (tf, len(tf.memberships), queries.authorities_represented(tf))
        for tf in queries.task_forces_with_members()
    ]
    return render_template("admin/task_forces.html", rows=rows)


@bp.route("/task-forces/new", methods=["GET", "POST"])
def new_task_force():
    form = TaskForceForm()
    if form.validate_on_submit():
        task_force = _run(form, actions.create_task_force, slug=form.slug.data,
                          **_fields(form, TASK_FORCE_FIELDS))  # fmt: skip
        if task_force is not None:
            flash(_("The task force was created."), "success")
            return redirect(url_for("admin.show_task_force", task_force_id=task_force.id))
    return _page("admin/task_force_new.html", form)


@bp.route("/task-forces/<int:task_force_id>", methods=["GET", "POST"])
def show_task_force(task_force_id):
    """The task force's names and purposes (editable here), its members and its boards."""
    task_force = _found(queries.get_task_force(task_force_id))
    form = TaskForceForm(obj=task_force)
    del form.slug
    if form.validate_on_submit():
        _run(form, actions.update_task_force, task_force, **_fields(form, TASK_FORCE_FIELDS))
        if not form.form_errors:
            flash(_("The task force was saved."), "success")
            return redirect(url_for("admin.show_task_force", task_force_id=task_force.id))
    return _task_force_page(task_force, form, _member_form())


def _member_form():
    form = MemberForm(prefix="member")
    form.authority_id.choices = [SelectChoice(0, _("The member's own local authority"))] + [
        SelectChoice(authority.id, authority.name) for authority in local_authorities()
    ]
    return form


def _task_force_page(task_force, form, member_form):
    memberships = queries.task_force_memberships(task_force)
    boards = queries.task_force_boards(task_force)
    failed = bool(form.errors or member_form.errors)
    page = render_template(
        "admin/task_force.html", task_force=task_force, form=form, member_form=member_form,
        memberships=memberships, boards=boards,
        authorities=queries.authorities_represented(task_force),
    )  # fmt: skip
    return page, 422 if failed else 200


@bp.post("/task-forces/<int:task_force_id>/members")
def add_task_force_member(task_force_id):
    task_force = _found(queries.get_task_force(task_force_id))
    member_form = _member_form()
    if member_form.validate_on_submit():
        user = find_user_by_email(member_form.email.data)
        if user is None:
            member_form.email.errors.append(_("No account has this email address."))
        else:
            authority = get_authority(member_form.authority_id.data or 0)
            _run(member_form, actions.add_task_force_member, task_force, user, authority)
            if not member_form.form_errors:
                flash(_("%(name)s was added to the task force.", name=user.display_name),
                      "success")  # fmt: skip
                return redirect(url_for("admin.show_task_force", task_force_id=task_force.id))
    form = TaskForceForm(obj=task_force, formdata=None)
    del form.slug
    return _task_force_page(task_force, form, member_form)


@bp.post("/task-forces/<int:task_force_id>/members/<int:user_id>/remove")
def remove_task_force_member(task_force_id, user_id):
    task_force = _found(queries.get_task_force(task_force_id))
    user = _found(get_user(user_id))
    removed = _("%(name)s was removed from the task force.", name=user.display_name)
    _confirm(actions.remove_task_force_member, task_force, user, done=removed)
    return redirect(url_for("admin.show_task_force", task_force_id=task_force.id))


# Accounts -----------------------------------------------------------------------------------


@bp.get("/users")
def list_users():
    query = request.args.get("q", "").strip()
    page = Page.from_request(queries.count_users(query), USERS_PER_PAGE)
    users = queries.list_users(query, limit=USERS_PER_PAGE, offset=page.offset)
    return render_template("admin/users.html", users=users, page=page, query=query)


def _access_form(user, submitted=False):
    form = UserAccessForm() if submitted else UserAccessForm(obj=user, formdata=None)
    boards = queries.all_boards()
    form.boards.choices = [SelectChoice(board.id, board.name) for board in boards]
    if not submitted:
        form.boards.data = queries.moderated_board_ids(user)
    return form


def _user_page(user, access_form=None, suspend_form=None):
    access_form = access_form or _access_form(user)
    suspend_form = suspend_form or SuspendForm(prefix="suspend", formdata=None)
    memberships = queries.memberships_of(user)
    failed = bool(access_form.errors or suspend_form.errors)
    page = render_template(
        "admin/user.html", user=user, access_form=access_form, suspend_form=suspend_form,
        memberships=memberships,
    )  # fmt: skip
    return page, 422 if failed else 200


@bp.get("/users/<int:user_id>")
def show_user(user_id):
    return _user_page(_found(get_user(user_id)))


@bp.post("/users/<int:user_id>/access")
def update_user_access(user_id):
    """Role, "moderates every board" and the per-board moderator assignments."""
    user = _found(get_user(user_id))
    form = _access_form(user, submitted=True)
    if form.validate():
        boards = queries.boards_by_ids(form.boards.data)
        _run(form, actions.update_user_access, user, role=form.role.data,
             moderates_all_boards=form.moderates_all_boards.data, boards=boards)  # fmt: skip
        if not form.form_errors:
            flash(_("The role and moderator assignments were saved."), "success")
            return redirect(url_for("admin.show_user", user_id=user.id))
    return _user_page(user, access_form=form)


@bp.post("/users/<int:user_id>/suspend")
def suspend_user(user_id):
    user = _found(get_user(user_id))
    form = SuspendForm(prefix="suspend")
    if form.validate():
        until = datetime.combine(form.until.data, time.min) if form.until.data else None
        _run(form, actions.suspend_user, user, reason=form.reason.data, until=until)
        if not form.form_errors:
            flash(_("The account was suspended."), "success")
            return redirect(url_for("admin.show_user", user_id=user.id))
    return _user_page(user, suspend_form=form)


@bp.post("/users/<int:user_id>/reactivate")
def reactivate_user(user_id):
    user = _found(get_user(user_id))
    _confirm(actions.reactivate_user, user, done=_("The account was reactivated."))
    return redirect(url_for("admin.show_user", user_id=user.id))


# The mail outbox ----------------------------------------------------------------------------


@bp.get("/mail")
def list_mail():
    """Every mail the forum queued, newest first; ?status= keeps one status (failed first)."""
    status = request.args.get("status") or None
    if status is not None and status not in MAIL_STATUS_LABELS:
        abort(404)
    page = Page.from_request(queries.count_mail(status), MAIL_PER_PAGE)
    mails = queries.list_mail(status, limit=MAIL_PER_PAGE, offset=page.offset)
    return render_template("admin/mail_list.html", mails=mails, page=page, status=status,
                           status_counts=queries.mail_counts())  # fmt: skip


@bp.get("/mail/<int:mail_id>")
def show_mail(mail_id):
    """One mail: its headers as they go out, the plain text and the HTML (sandboxed)."""
    mail = _found(queries.get_mail(mail_id))
    headers = [(name, str(value)) for name, value in outbox.build_message(mail).items()]
    return render_template("admin/mail.html", mail=mail, headers=headers,
                           can_retry=outbox.can_retry(mail))  # fmt: skip


@bp.get("/mail/<int:mail_id>/html")
def show_mail_html(mail_id):
    """The mail's HTML part alone, for the frame of its page: under a policy of its own that
    allows its inline styles, no script, and framing by the forum only."""
    mail = _found(queries.get_mail(mail_id))
    response = make_response(mail.html_body or "")
    response.mimetype = "text/html"
    return headers.allow_framing_by_the_forum(response)


@bp.post("/mail/<int:mail_id>/retry")
def retry_mail(mail_id):
    mail = _found(queries.get_mail(mail_id))
    _confirm(actions.retry_mail, mail, done=_("The mail is queued and will be sent again shortly."))
    return redirect(url_for("admin.show_mail", mail_id=mail_id))


# Registration: the policy, the accounts waiting for approval, the invitations ---------------


def _registration_page(form=None, invitation_form=None, new_link=None):
    settings = registration_settings()
    form = form or RegistrationForm(obj=settings, formdata=None)
    invitation_form = invitation_form or InvitationForm(prefix="invite", formdata=None)
    failed = bool(form.errors or form.form_errors or invitation_form.errors
                  or invitation_form.form_errors)  # fmt: skip
    page = render_template(
        "admin/registration.html", form=form, invitation_form=invitation_form,
        new_link=new_link, pending=queries.pending_accounts(),
        invitations=queries.list_invitations(limit=INVITATIONS_SHOWN),
        policy_labels=REGISTRATION_LABELS,
    )  # fmt: skip
    return page, 422 if failed else 200


@bp.get("/registration")
def show_registration():
    return _registration_page()


@bp.post("/registration")
def update_registration():
    form = RegistrationForm()
    if form.validate():
        _run(form, actions.update_registration,
             registration_policy=form.registration_policy.data,
             allowed_domains_text=form.allowed_domains.data)  # fmt: skip
        if not form.form_errors:
            flash(_("The registration policy was saved."), "success")
            return redirect(url_for("admin.show_registration"))
    return _registration_page(form=form)


@bp.post("/registration/invitations")
def create_invitation():
    form = InvitationForm(prefix="invite")
    if form.validate():
        made = _run(form, actions.create_invitation, email=form.email.data,
                    note=form.note.data, days=form.days.data)  # fmt: skip
        if made is not None:
            # Shown once, here: only a digest of the link's token is stored.
            return _registration_page(new_link=made[1])
    return _registration_page(invitation_form=form)


@bp.post("/registration/invitations/<int:invitation_id>/revoke")
def revoke_invitation(invitation_id):
    invitation = _found(queries.get_invitation(invitation_id))
    _confirm(actions.revoke_invitation, invitation, done=_("The invitation was revoked."))
    return redirect(url_for("admin.show_registration"))


@bp.post("/users/<int:user_id>/approve")
def approve_account(user_id):
    user = _found(get_user(user_id))
    done = _("%(name)s's account was approved.", name=user.display_name)
    _confirm(actions.approve_account, user, done=done)
    return redirect(url_for("admin.show_registration"))


@bp.post("/users/<int:user_id>/refuse")
def refuse_account(user_id):
    user = _found(get_user(user_id))
    done = _("%(name)s's account was refused.", name=user.display_name)
    _confirm(actions.refuse_account, user, done=done)
    return redirect(url_for("admin.show_registration"))
