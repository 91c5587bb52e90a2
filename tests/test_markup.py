"""Markdown becomes safe HTML: no script gets through, links are marked as the members', and
each block of Arabic or English text takes its own direction."""

import re

import pytest

from forum import markup


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("[click](javascript:alert(1))", "javascript:"),
        ("<script>alert(1)</script>", "<script"),
        ('<img src=x onerror="alert(1)">', "<img"),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
        ("[x](vbscript:msgbox)", "vbscript:"),
        ('<a href="https://x.org" onclick="steal()">x</a>', "onclick"),
    ],
)
def test_markdown_is_sanitised(source, forbidden):
    tags = re.findall(r"<[^>]*>", markup.render(source))
    assert not [tag for tag in tags if forbidden in tag]


def test_links_get_nofollow_ugc_noopener_and_blocks_get_auto_direction():
    html = markup.render("نص عربي with English https://example.org\n\n- بند")
    assert 'rel="nofollow ugc noopener"' in html
    assert '<p dir="auto">' in html
    assert '<li dir="auto">' in html


def test_a_quote_keeps_the_page_direction_and_its_paragraphs_their_own():
    html = markup.render("> اقتباس عربي")
    assert html.startswith("<blockquote>")
    assert '<p dir="auto">اقتباس عربي</p>' in html
