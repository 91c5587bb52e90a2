"""Arabic and English Markdown of realistic length for generated posts, rendered once and reused."""

import random

from forum import markup

ARABIC = [
    "نواجه في البلدية صعوبة في تحصيل رسوم النفايات من المحلات التجارية في وسط المدينة.",
    "جرّبنا ربط الرسوم بفاتورة الكهرباء مسبقة الدفع، وارتفعت نسبة التحصيل بشكل ملحوظ خلال سنة.",
    "هل لدى أحد تجربة في إعداد الموازنة التشاركية بمشاركة المواطنين والمؤسسات الأهلية؟",
    "نحتاج إلى دليل إجراءات واضح لترخيص الأبنية يختصر المدة ويقلل المراجعات.",
    "أنشأنا لجنة شبابية في المجلس القروي لمتابعة مشاريع البنية التحتية الصغيرة.",
    "التقارير المالية الربعية منشورة على موقع البلدية، وقد زادت ثقة المواطنين بعد نشرها.",
    "من المهم إشراك النساء والأشخاص ذوي الإعاقة في جلسات التخطيط منذ البداية وليس في نهايتها.",
    "ما هي أفضل طريقة لتوثيق قصص النجاح بحيث يمكن تعميمها على الهيئات المحلية الأخرى؟",
    "اعتمدنا نظاماً إلكترونياً للشكاوى، ونرد على كل شكوى خلال ثلاثة أيام عمل.",
    "التوأمة مع بلدية أوروبية ساعدتنا في تدريب المهندسين على التخطيط العمراني المستدام.",
    "نقترح تشكيل فريق مشترك بين المجالس المتجاورة لإدارة النفايات الصلبة وتقليل التكلفة.",
    "تم ربط أهداف التنمية المستدامة بالخطة الاستراتيجية للبلدية للأعوام الخمسة القادمة.",
    "واجهنا تأخيراً في صرف المستحقات من الجهات المانحة بسبب اختلاف متطلبات التقارير.",
    "أنصح بعقد لقاء شهري مفتوح مع المواطنين لعرض الإنجازات والاستماع إلى الملاحظات.",
]
ENGLISH = [
    "Our municipality struggles to collect waste fees from shops in the old town centre.",
    "We linked the fees to the prepaid electricity bill and collection rose within a year.",
    "Has anyone run a participatory budget with citizens and community organisations?",
    "We need a clear procedure manual for building permits that cuts the waiting time.",
    "The village council set up a youth committee to follow small infrastructure projects.",
    "Quarterly financial reports are now published on the website, and trust has grown.",
    "Women and people with disabilities should join planning sessions from the very start.",
    "How do we document success stories so that other local authorities can repeat them?",
    "We answer every complaint filed in the new online system within three working days.",
    "Twinning with a European city helped us train engineers in sustainable urban planning.",
    "Neighbouring councils could share one team for solid waste and lower the cost.",
    "The SDGs are now part of the municipality's strategic plan for the next five years.",
]
TITLES_AR = [
    "كيف نرفع نسبة تحصيل الرسوم؟", "تجربة الموازنة التشاركية", "ترخيص الأبنية إلكترونياً",
    "لجان الشباب في المجالس القروية", "نشر التقارير المالية", "إدارة النفايات الصلبة المشتركة",
    "التوأمة مع بلديات أوروبية", "توطين أهداف التنمية المستدامة", "نظام الشكاوى الإلكتروني",
    "إشراك النساء في التخطيط المحلي",
]  # fmt: skip
TITLES_EN = [
    "Raising fee collection rates", "A participatory budget that worked",
    "Online building permits", "Youth committees in village councils",
    "Publishing financial reports", "Shared solid waste management",
    "Twinning with European cities", "Localising the SDGs", "An online complaints system",
    "Women in local planning",
]  # fmt: skip


def _paragraph(rng, sentences):
    chosen = rng.sample(sentences, rng.randint(2, 4))
    if rng.random() < 0.3:
        chosen[0] = f"**{chosen[0]}**"
    return " ".join(chosen)


def _markdown(rng, sentences, paragraphs):
    blocks = [_paragraph(rng, sentences) for _ in range(paragraphs)]
    extra = rng.random()
    if extra < 0.15:
        blocks.append("\n".join(f"* {line}" for line in rng.sample(sentences, 3)))
    elif extra < 0.25:
        blocks.append(f"> {rng.choice(sentences)}")
    elif extra < 0.32:
        link = f"https://example.org/guide/{rng.randint(1, 99)}"
        blocks.append(f"[{rng.choice(sentences)[:30]}]({link})")
    return "\n\n".join(blocks)


def text_pool(seed, size=240):
    """(source, html) pairs: openings are longer than replies; two thirds are Arabic."""
    rng = random.Random(seed)
    openings, replies = [], []
    for index in range(size):
        sentences = ENGLISH if index % 3 == 2 else ARABIC
        opening = _markdown(rng, sentences, rng.randint(2, 4))
        reply = _markdown(rng, sentences, rng.randint(1, 2))
        openings.append((opening, markup.render(opening)))
        replies.append((reply, markup.render(reply)))
    return openings, replies


def title(rng, number):
    if rng.random() < 0.7:
        return f"{rng.choice(TITLES_AR)} ({number})"
    return f"{rng.choice(TITLES_EN)} ({number})"
