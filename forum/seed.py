"""The programme's own structure: seven platform boards, four task forces, and a starter list
of tags for local government.

Arabic names are verbatim from the federation's announcement of 17-01-2026 (our copy of it;
nothing is read from outside the project at run time).
"""

from sqlalchemy import select

from forum.extensions import db
from forum.models import Board, Tag, TaskForce

PLATFORMS = [
    ("public-relations", "منصة العلاقات العامة", "Public Relations Platform",
     "تبادل الخبرات في التواصل مع المواطنين والإعلام وإبراز إنجازات الهيئات المحلية.",
     "Sharing experience in communicating with citizens and the media and showcasing local "
     "authorities' achievements."),
    ("financial-management", "منصة الإدارة المالية", "Financial Management Platform",
     "الموازنات والتحصيل والمساءلة: ممارسات فضلى لتعزيز الشفافية والكفاءة في الإدارة المالية.",
     "Budgets, revenue collection and accountability: best practices for transparency and "
     "efficiency in financial management."),
    ("engineering-planning", "منصة الهندسة والتخطيط", "Engineering and Planning Platform",
     "التخطيط العمراني والمشاريع الهندسية والبنية التحتية وترخيص الأبنية.",
     "Urban planning, engineering projects, infrastructure and building permits."),
    ("creativity-innovation", "منصة الإبداع والابتكار", "Creativity and Innovation Platform",
     "أفكار وحلول مبتكرة لتحسين الخدمات البلدية وتجارب ناجحة قابلة للتعميم.",
     "Innovative ideas and solutions to improve municipal services, and success stories worth "
     "repeating."),
    ("village-councils", "منصة المجالس القروية", "Village Councils Platform",
     "قضايا المجالس القروية وتحدياتها الخاصة وتبادل الحلول فيما بينها.",
     "The questions and particular challenges of village councils, and solutions shared between "
     "them."),
    ("sdgs", "منصة أهداف التنمية المستدامة", "Sustainable Development Goals Platform",
     "دمج أهداف التنمية المستدامة في الخطط والمشاريع المحلية.",
     "Bringing the Sustainable Development Goals into local plans and projects."),
    ("inclusion", "منصة الإدماج والشمول", "Inclusion and Integration Platform",
     "إدماج النساء والشباب والأشخاص ذوي الإعاقة في العمل البلدي والخدمات.",
     "Including women, young people and people with disabilities in municipal work and "
     "services."),
]  # fmt: skip

TASK_FORCES = [
    ("financial-experts", "فريق عمل الخبراء الماليين", "Financial Experts Task Force",
     "يضم 6 أعضاء يمثلون 6 هيئات محلية، ويعمل على تقديم حلول واقعية لتحسين الإدارة المالية.",
     "Six members representing six local authorities, working on realistic solutions to improve "
     "financial management."),
    ("inclusion-gender", "فريق عمل الشمول والنوع الاجتماعي", "Inclusion and Gender Task Force",
     "يضم 13 عضوًا من 13 هيئة محلية، ويركز على إدماج مبادئ الشمول والمساواة في السياسات المحلية.",
     "Thirteen members from thirteen local authorities, bringing inclusion and equality into "
     "local policy."),
    ("sdg-localisation", "فريق عمل توطين أهداف التنمية المستدامة", "SDG Localisation Task Force",
     "يضم 15 عضوًا يمثلون 13 هيئة محلية، ويقود جهود دمج أهداف التنمية المستدامة في الخطط المحلية.",
     "Fifteen members representing thirteen local authorities, leading the integration of the "
     "SDGs into local plans."),
    ("international-partnerships", "فريق عمل الشراكات الدولية والتعاون اللامركزي",
     "International Partnerships and Decentralised Cooperation Task Force",
     "يضم 14 هيئة محلية، وهو الفريق المساند للاتحاد في تنفيذ برنامجه لمأسسة التوأمة وتعزيز الحضور "
     "الدولي للبلديات.",
     "Fourteen local authorities supporting the federation's programme to institutionalise "
     "twinning and the municipalities' international presence."),
]  # fmt: skip


# The moderators' starter list of tags (forum.tags): slug, Arabic, English. Ours, not the
# announcement's: the subjects its platforms name, in the words local government uses.
TAGS = [
    ("solid-waste", "النفايات الصلبة", "Solid waste"),
    ("property-tax", "ضريبة الأملاك", "Property tax"),
    ("water", "المياه", "Water"),
    ("wastewater", "الصرف الصحي", "Wastewater"),
    ("electricity", "الكهرباء", "Electricity"),
    ("e-services", "الخدمات الإلكترونية", "E-services"),
    ("budgeting", "إعداد الموازنة", "Budgeting"),
    ("revenue-collection", "تحصيل الإيرادات", "Revenue collection"),
    ("procurement", "المشتريات والعطاءات", "Procurement"),
    ("audit-accountability", "التدقيق والمساءلة", "Audit and accountability"),
    ("urban-planning", "التخطيط العمراني", "Urban planning"),
    ("building-permits", "تراخيص البناء", "Building permits"),
    ("roads", "الطرق", "Roads"),
    ("twinning", "التوأمة", "Twinning"),
    ("citizen-participation", "مشاركة المواطنين", "Citizen participation"),
    ("accessibility", "إمكانية الوصول", "Accessibility"),
    ("gender-equality", "المساواة بين الجنسين", "Gender equality"),
    ("youth", "الشباب", "Youth"),
    ("climate-energy", "المناخ والطاقة", "Climate and energy"),
    ("emergency-response", "الاستجابة للطوارئ", "Emergency response"),
]  # fmt: skip


def load_seed():
    """Create the platform boards, task forces and their boards, and the starter tags;
    existing slugs are kept."""
    existing_boards = set(db.session.scalars(select(Board.slug)))
    for position, (slug, name_ar, name_en, about_ar, about_en) in enumerate(PLATFORMS, start=1):
        if slug not in existing_boards:
            db.session.add(Board(
                slug=slug, name_ar=name_ar, name_en=name_en, description_ar=about_ar,
                description_en=about_en, position=position, access="public",
            ))  # fmt: skip
    existing_task_forces = set(db.session.scalars(select(TaskForce.slug)))
    for position, (slug, name_ar, name_en, about_ar, about_en) in enumerate(
        TASK_FORCES, start=len(PLATFORMS) + 1
    ):
        if slug in existing_task_forces:
            continue
        task_force = TaskForce(
            slug=slug, name_ar=name_ar, name_en=name_en, purpose_ar=about_ar, purpose_en=about_en
        )
        db.session.add(task_force)
        db.session.add(Board(
            slug=f"tf-{slug}", name_ar=name_ar, name_en=name_en, description_ar=about_ar,
            description_en=about_en, position=position, access="restricted",
            task_force=task_force,
        ))  # fmt: skip
    existing_tags = set(db.session.scalars(select(Tag.slug)))
    for slug, name_ar, name_en in TAGS:
        if slug not in existing_tags:
            db.session.add(Tag(slug=slug, name_ar=name_ar, name_en=name_en))
    db.session.flush()
