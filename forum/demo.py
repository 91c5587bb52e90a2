"""Demo content for a first look: local authorities, one account per role, threads, replies and
a test mail."""

import secrets

from sqlalchemy import select

from forum import mail
from forum.accounts.actions import register_user
from forum.extensions import db
from forum.models import (
    Board,
    BoardModerator,
    LocalAuthority,
    Status,
    TaskForce,
    TaskForceMember,
    User,
)
from forum.threads import actions

AUTHORITIES = [
    ("بلدية نابلس", "Nablus Municipality", "municipality", "nablus"),
    ("بلدية رام الله", "Ramallah Municipality", "municipality", "ramallah"),
    ("بلدية البيرة", "Al-Bireh Municipality", "municipality", "ramallah"),
    ("بلدية الخليل", "Hebron Municipality", "municipality", "hebron"),
    ("بلدية بيت لحم", "Bethlehem Municipality", "municipality", "bethlehem"),
    ("بلدية بيت ساحور", "Beit Sahour Municipality", "municipality", "bethlehem"),
    ("بلدية جنين", "Jenin Municipality", "municipality", "jenin"),
    ("بلدية طولكرم", "Tulkarm Municipality", "municipality", "tulkarm"),
    ("بلدية قلقيلية", "Qalqilya Municipality", "municipality", "qalqilya"),
    ("بلدية سلفيت", "Salfit Municipality", "municipality", "salfit"),
    ("بلدية أريحا", "Jericho Municipality", "municipality", "jericho"),
    ("بلدية طوباس", "Tubas Municipality", "municipality", "tubas"),
    ("بلدية دورا", "Dura Municipality", "municipality", "hebron"),
    ("بلدية العيزرية", "Al-Eizariya Municipality", "municipality", "jerusalem"),
    ("بلدية غزة", "Gaza Municipality", "municipality", "gaza"),
    ("بلدية خانيونس", "Khan Yunis Municipality", "municipality", "khan_yunis"),
    ("بلدية رفح", "Rafah Municipality", "municipality", "rafah"),
    ("بلدية دير البلح", "Deir al-Balah Municipality", "municipality", "deir_al_balah"),
    ("بلدية جباليا النزلة", "Jabalia Al-Nazla Municipality", "municipality", "north_gaza"),
    ("مجلس قروي عورتا", "Awarta Village Council", "village_council", "nablus"),
    ("مجلس قروي بيتللو", "Beitillu Village Council", "village_council", "ramallah"),
    ("مجلس قروي الجفتلك", "Al-Jiftlik Village Council", "village_council", "jericho"),
    ("مجلس قروي فقوعة", "Faqqu'a Village Council", "village_council", "jenin"),
    ("مجلس قروي بيت إكسا", "Beit Iksa Village Council", "village_council", "jerusalem"),
    ("مجلس قروي عزون عتمة", "Azzun Atma Village Council", "village_council", "qalqilya"),
]

# email, display name, role, authority index, job title
ACCOUNTS = [
    ("admin@tabadul.test", "سلمى الخطيب", "admin", 1, "منسقة البرنامج"),
    ("moderator@tabadul.test", "خالد منصور", "moderator", 0, "مدير العلاقات العامة"),
    ("member@tabadul.test", "ريم عودة", "member", 19, "محاسبة المجلس"),
    ("taskforce@tabadul.test", "Yousef Haddad", "member", 4, "Finance director"),
]

THREADS = [
    ("financial-management", "question", "member@tabadul.test",
     "كيف نرفع نسبة تحصيل رسوم النفايات في المجالس القروية؟",
     "نسبة التحصيل لدينا لا تتجاوز **40%**. هل جرّب أحدكم الربط مع فاتورة المياه أو الدفع "
     "الإلكتروني؟",
     [("moderator@tabadul.test", None, "في نابلس ربطنا الرسوم بفاتورة الكهرباء مسبقة الدفع، "
       "وارتفعت النسبة إلى 85% خلال سنة."),
      ("member@tabadul.test", 0,
       "شكراً! هل احتاج ذلك إلى قرار من مجلس الوزراء أم يكفي قرار المجلس؟"),
      ("moderator@tabadul.test", 1, "يكفي قرار المجلس مع اتفاقية مع شركة التوزيع.")]),
    ("creativity-innovation", "success_story", "taskforce@tabadul.test",
     "Digital building permits in Bethlehem: from 45 days to 12",
     "We moved building permit applications online in 2025.\n\n"
     "* Applicants upload drawings once\n* Engineers review in parallel\n\n"
     "النتيجة: متوسط مدة الترخيص انخفض من 45 يوماً إلى 12 يوماً.",
     [("member@tabadul.test", None, "تجربة رائعة. ما هي تكلفة النظام التقريبية؟")]),
    ("public-relations", "discussion", "moderator@tabadul.test",
     "أفضل الممارسات في إدارة صفحات البلديات على وسائل التواصل",
     "لنتبادل التجارب: كم منشوراً في الأسبوع؟ ومن يرد على تعليقات المواطنين؟",
     [("admin@tabadul.test", None, "نوصي بسياسة رد خلال 48 ساعة ونشر تقرير شهري للإنجازات.")]),
    ("village-councils", "challenge", "member@tabadul.test",
     "نقص الكوادر الهندسية في المجالس القروية الصغيرة",
     "لا يوجد مهندس متفرغ لدى مجلسنا. هل من تجارب في تقاسم مهندس بين عدة مجالس؟", []),
    ("tf-financial-experts", "discussion", "taskforce@tabadul.test",
     "مسودة دليل موحد لإعداد الموازنات البلدية",
     "مرفق المسودة الأولى للنقاش داخل الفريق فقط قبل عرضها على الاتحاد.", []),
]  # fmt: skip


def load_demo():
    """Add the demo content once; returns the demo accounts and their fresh passwords."""
    if db.session.scalar(select(User).limit(1)) is not None:
        return []
    authorities = [
        LocalAuthority(name_ar=ar, name_en=en, kind=kind, governorate=governorate)
        for ar, en, kind, governorate in AUTHORITIES
    ]
    db.session.add_all(authorities)
    db.session.flush()

    credentials, users = [], {}
    for email, name, role, authority_index, job_title in ACCOUNTS:
        password = secrets.token_urlsafe(9)
        users[email] = register_user(
            email, name, password, authority=authorities[authority_index], job_title=job_title,
            role=role,
        )  # fmt: skip
        label = "task-force" if email.startswith("taskforce") else role
        credentials.append((label, email, password))
    users["taskforce@tabadul.test"].language = "en"

    boards = {board.slug: board for board in db.session.scalars(select(Board))}
    for slug in ("public-relations", "financial-management", "village-councils"):
        db.session.add(BoardModerator(board=boards[slug], user=users["moderator@tabadul.test"]))
    financial_experts = db.session.scalar(
        select(TaskForce).where(TaskForce.slug == "financial-experts")
    )
    taskforce_member = users["taskforce@tabadul.test"]
    db.session.add(TaskForceMember(
        task_force=financial_experts, user=taskforce_member, authority=taskforce_member.authority
    ))  # fmt: skip
    db.session.flush()

    for slug, kind, author, title, body, replies in THREADS:
        thread = actions.start_thread(
            users[author], boards[slug], title=title, kind=kind, body=body
        )
        if thread.status == Status.PENDING:
            actions.publish_thread(thread)
        posts = [thread.first_post]
        for reply_author, parent_index, text in replies:
            parent = posts[parent_index + 1] if parent_index is not None else None
            posts.append(actions.reply(users[reply_author], thread, body=text, parent=parent))
    # A first mail in each language, kept at /admin/mail unless MAIL_SERVER is set.
    for email in ("admin@tabadul.test", "taskforce@tabadul.test"):
        mail.queue_test_mail(users[email])
    return credentials
