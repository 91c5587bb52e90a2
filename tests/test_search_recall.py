"""Recall: Arabic typed the way people type it finds what it should, on either database.

A small forum of realistic municipal posts, written with diacritics, hamza and taa marbuta
where careful writers put them; queries typed without them, with other alef, taa marbuta and
hamza forms, and with attached prefixes. Every expected post must be found, and each query's
whole result set is fixed here, so SQLite and PostgreSQL (FORUM_TEST_DATABASE_URL) must agree.
"""

import pytest

from forum import search
from forum.extensions import db
from forum.models import Post
from tests.factories import make_person, make_thread

CORPUS = {
    "waste_fees": ("تحصيل رسوم النفايات من المحلات التجارية",
                   "نواجه في البلديّة صعوبة في تحصيل رسوم جمع النفايات، ونبحث عن تجارب ناجحة."),
    "electricity": ("ربط الرسوم بفاتورة الكهرباء",
                    "جرّبنا ربط رسوم النفايات بعدّادات الكهرباء مسبقة الدفع وارتفعت نسبة "
                    "التحصيل إلى ٨٥٪."),
    "budget": ("تجربتنا في الموازنة التشاركية",
               "عقدنا ورشات مع المواطنين والمؤسسات الأهلية لتحديد أولويات الموازنة لعام ٢٠٢٥."),
    "permits": ("ترخيص الأبنية إلكترونياً",
                "أطلقنا منصة إلكترونية لطلبات الترخيص، واختصرت المدة من شهرين إلى أسبوعين."),
    "youth": ("لجنة شبابية في المجلس القروي",
              "شكّل المجلس القروي لجنةً من الشباب لمتابعة مشاريع البنية التحتية الصغيرة."),
    "reports": ("نشر التقارير المالية الربعية",
                "ننشر التقارير الماليّة على موقع البلدية كل ثلاثة أشهر، وزادت ثقة المواطنين."),
    "women": ("إشراك النساء في التخطيط المحلي",
              "من المهم إشراك النساء والأشخاص ذوي الإعاقة في جلسات التخطيط منذ البداية."),
    "complaints": ("نظام الشكاوى الإلكتروني",
                   "اعتمدنا نظاماً إلكترونياً للشكاوى ونردّ على كل شكوى خلال ثلاثة أيام عمل."),
    "twinning": ("التوأمة مع بلدية أوروبية",
                 "ساعدتنا التوأمة مع مدينة إيطالية في تدريب المهندسين على التخطيط العمراني "
                 "المستدام."),
    "solid_waste": ("إدارة النفايات الصلبة المشتركة",
                    "نقترح مجلس خدمات مشترك بين الهيئات المحلية المتجاورة لإدارة النفايات "
                    "الصلبة."),
    "water": ("شبكة المياه وتسرّب الخطوط",
              "فقدنا ٣٠٪ من المياه بسبب التسرّب في الشبكة القديمة، فاستبدلنا الأنابيب."),
    "lights": ("الإنارة العامة بالطاقة الشمسية",
               "ركّبنا وحدات إنارة تعمل بالطاقة الشمسية في الشوارع الرئيسية ووفّرنا في فاتورة "
               "الكهرباء."),
    "roads": ("صيانة الطرق الزراعية",
              "أعدنا تأهيل الطرق الزراعيّة بالتعاون مع وزارة الزراعة وأصحاب الأراضي."),
    "meters": ("Prepaid water meters",
               "Our municipality installed prepaid water meters and the collection rate rose."),
    "service": ("Citizen Service Centre",
                "We opened a one-stop service centre at the town hall: permits in one visit."),
    "clinic": ("مركز صحي جديد",
               "افتتحنا مركزاً صحياً بالشراكة مع وزارة الصحة لخدمة القرى المجاورة والمستشفى."),
    "tenders": ("الشفافية في العطاءات والمشتريات",
                "ننشر إعلانات العطاءات ونتائج الترسية في صفحة البلدية."),
    "schools": ("مدارس آمنة وممرات مشاة",
                "رسمنا ممرّات مشاة أمام المدارس ووضعنا مطبات للحد من السرعة."),
    "environment": ("مسؤولية المؤسسات تجاه البيئة",
                    "تقع على عاتق المؤسّسات مسؤوليةٌ في حماية البيئة والحد من التلوّث."),
    "hospital": ("مستشفى القرية والمبنى الجديد",
                 "تمّ إنشاء مبنى جديد للمستشفى على أرض تبرّع بها أهالي القرية."),
}  # fmt: skip

# (typed, the posts it must find: exactly these)
QUERIES = [
    ("بلدية", {"waste_fees", "reports", "twinning", "tenders"}),  # البلديّة, البلدية, بلدية
    ("وللبلدية", {"waste_fees", "reports", "twinning", "tenders"}),  # attached prefixes
    ("البلديه", {"waste_fees", "reports", "twinning", "tenders"}),  # taa marbuta as haa
    ("كهرباء", {"electricity", "lights"}),  # الكهرباء
    ("الموازنه التشاركيه", {"budget"}),
    ("اطلقنا", {"permits"}),  # أطلقنا without its hamza
    ("اسبوعين", {"permits"}),  # أسبوعين
    ("الكترونيا", {"permits", "complaints"}),  # إلكترونياً
    ("شبابيه", {"youth"}),
    ("بالمجلس القروي", {"youth"}),
    ("التقارير الماليه", {"reports"}),
    ("النساء", {"women"}),
    ("شكوي", {"complaints"}),  # شكوى, alef maqsura typed as yaa
    ("مهندسين", {"twinning"}),  # المهندسين
    ("والنفايات", {"waste_fees", "electricity", "solid_waste"}),
    ("المياة", {"water"}),  # taa marbuta where haa belongs: a common slip
    ("30", {"water"}),  # ٣٠٪
    ("الطاقه الشمسيه", {"lights"}),
    ("الطرق الزراعية", {"roads"}),
    ("MUNICIPAL", {"meters"}),  # upper case, and a prefix of the word
    ("permit", {"service"}),  # prefix: permits
    ("مستشفي", {"clinic", "hospital"}),  # المستشفى, للمستشفى, مستشفى
    ("وزاره", {"roads", "clinic"}),  # وزارة
    ("ممرات المشاة", {"schools"}),  # ممرّات مشاة
    ("امنه", {"schools"}),  # آمنة
    ("مسؤوليه", {"environment"}),  # مسؤوليةٌ
    ("الموسسات", {"environment", "budget"}),  # المؤسّسات, والمؤسسات without their hamza
    ("لتحصيل", {"waste_fees", "electricity"}),  # تحصيل, التحصيل
    ("تخطي", {"women", "twinning"}),  # a word being typed: التخطيط
]


@pytest.fixture
def corpus(app):
    """The forum's posts: label → opening post id."""
    with app.app_context():
        author = make_person()
        return {
            label: make_thread(author.id, title=title, body=body).first_post_id
            for label, (title, body) in CORPUS.items()
        }


def test_at_least_twenty_queries_each_find_exactly_their_posts(app, corpus):
    assert len(QUERIES) >= 20
    labels = {post_id: label for label, post_id in corpus.items()}
    missed, extra = {}, {}
    with app.test_request_context():
        for typed, expected in QUERIES:
            found = {labels[p] for p in search.find(None, search.parse(typed)).ranked}
            if expected - found:
                missed[typed] = expected - found
            if found - expected:
                extra[typed] = found - expected
    assert missed == {}, "expected posts not found"
    assert extra == {}, "posts found that the query should not find"


def test_a_reply_is_found_as_well_as_an_opening_post(app, corpus):
    from tests.factories import make_reply

    with app.app_context():
        thread = db.session.get(Post, corpus["roads"]).thread
        reply_id = make_reply(thread.author_id, thread, body="وللطرقات الزراعيّة أولوية").id
    with app.test_request_context():
        found = search.find(None, search.parse("الطرقات")).ranked
    assert found == [reply_id]
