"""Arabic and English side by side, as the browser draws them: dates people read, a paragraph
that starts with a mention, an Arabic list in the English interface, the Markdown hint and a
name inside an English sentence."""

import pytest

from tests import factories


@pytest.mark.browser
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["2 minutes ago", "today 11:00 AM", "yesterday 9:30 PM", "Nov 3", "Nov 3, 2025"]),
        ("ar", ["قبل دقيقتين", "اليوم 11:00 ص", "أمس 9:30 م", "3 نوفمبر", "3 نوفمبر 2025"]),
    ],
)
def test_dates_read_as_people_say_them(open_page, live_server, language, expected):
    """static/js/dates.js, on a fixed clock: 30 Nov 2026, 14:00 in Hebron (12:00 UTC)."""
    page = open_page(None, language=language)
    page.clock.set_fixed_time("2026-11-30T12:00:00Z")
    times = ["2026-11-30T11:58:00Z", "2026-11-30T09:00:00Z", "2026-11-29T19:30:00Z",
             "2026-11-03T10:00:00Z", "2025-11-03T10:00:00Z"]  # fmt: skip
    page.set_content(
        f'<html lang="{language}"><body>'
        + "".join(f'<time datetime="{when}" data-when>absolute</time>' for when in times)
        + f'<script src="{live_server}/static/js/dates.js" data-time-zone="Asia/Hebron">'
        "</script></body></html>"
    )
    shown = page.locator("time").all_inner_texts()
    assert [text.replace("\u202f", " ") for text in shown] == expected


@pytest.mark.browser
def test_mixed_text_keeps_its_direction(app, open_page, person, authority):
    author = person(name="Yousef", language="en")
    with app.app_context():
        thread = factories.make_thread(
            author.id, title="Budgets",
            body="@[Yousef] شكرًا على المشاركة.\n\n* البند الأول\n* البند الثاني",
        )  # fmt: skip
        thread_id = thread.id
    page = open_page(f"/t/{thread_id}", language="en", person=author)
    body = page.locator(".post-body").first
    mention = body.locator("p").first
    assert mention.evaluate("p => getComputedStyle(p).direction") == "rtl"
    item = body.locator("li").first
    assert item.evaluate("li => getComputedStyle(li).direction") == "rtl"
    # The bullet sits on the right, inside the post, not cut off beyond it.
    assert item.evaluate(
        """li => {
            const list = li.parentElement.getBoundingClientRect();
            const text = li.getBoundingClientRect();
            return list.right - text.right >= 16 && list.right <= li.closest('.post')
                .getBoundingClientRect().right;
        }"""
    )
    # The Markdown hint in Arabic: its samples read left to right, "(https://…)" unturned.
    arabic = open_page("/t/new?board=financial-management", language="ar",
                       person=person(language="ar"))  # fmt: skip
    samples = arabic.locator(".hint code[dir=ltr]")
    assert "[رابط](https://…)" in samples.all_inner_texts()
    assert samples.first.evaluate("code => getComputedStyle(code).direction") == "ltr"
