"""Markdown becomes safe HTML: no script gets through, links are marked as the members', and
each block of Arabic or English text takes its own direction."""

import re
import subprocess
import sys
from pathlib import Path

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


# The inputs that stalled the server (issue 12) and others of their kind, found by fuzzing:
# each took from seconds to a minute to render before the limits in forum.markup.
HOSTILE = {
    "links opened": '"[a](" * 12000',
    "brackets": '"[" * 4000',
    "brackets and backticks": '"[`" * 5000',
    "images opened": '"![a](" * 8000',
    "parentheses": '"(" * 50000',
    "hyphenated run": '("__-" * 17000)[:50000]',
    "labels": '("a-a." * 12500)',
    "less-than": '"<" * 50000',
    "ampersands": '"&" * 50000',
    "headings": '"#\\n" * 25000',
    "setext headings": '"a\\n===\\n" * 8000',
    "rules": '"***\\n" * 12000',
    "nested lists": '"- " * 2000 + "x"',
    "indented lists": '"".join("    " * i + "- x\\n" for i in range(500))',
    "nested quotes": '">" * 20000',
    "table rows": '"|a|b|\\n|-|-|\\n" + "|a|b|\\n" * 8000',
    "empty paragraphs": '"\\n\\n_" * 16000',
    "code fences": '"```\\n" * 12000',
}


def test_hostile_markdown_renders_within_a_generous_budget():
    """All of them together, in a fresh interpreter that is killed past the budget: about ten
    seconds on a loaded laptop now, minutes before."""
    script = "\n".join(
        ["import sys, time", "from forum import markup", "for name, source in ["]
        + [f"    ({name!r}, {source})," for name, source in HOSTILE.items()]
        + [
            "]:",
            "    html = markup.render(source)",
            "    markup.plain_text(source)",
            "    markup.mentioned_names(source)",
            "    assert len(html) < 20 * len(source) + 100, name",
            "print('done')",
        ]
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=90,
        cwd=Path(__file__).parent.parent,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "done"


def test_pathological_blocks_keep_their_text():
    """Past a limit, what was written is still shown, as text: never dropped or half-parsed."""
    assert "[[[[[[[[" in markup.render("[" * 4000)
    assert markup.render("- " * 40 + "x").startswith('<p dir="auto">- - - ')
    html = markup.render("|a|b|\n|-|-|\n" + "|a|b|\n" * 8000)
    assert "<table>" not in html
    assert "|a|b|" in html


def test_a_long_ordinary_post_renders_as_its_parts_do():
    """The limits leave ordinary posts alone: a 44,000-character post renders exactly as each
    of its blocks does on its own."""
    blocks = [
        "نص عربي with English https://example.org/path?a=1&b=2 (http://x.org/wiki/Foo_(bar)).",
        'Text **bold** and *em* and _em_ and `code` and [a link](https://x.org "title").',
        "- one\n- two\n    - nested [link](https://x.org)\n- three",
        "> a quote with **bold**\n>\n> and more",
        "```python\nx = [1, 2](3)\nprint('<b>')\n```",
        "| a | b |\n|---|---|\n| 1 | [x](http://y.z) |\n| `c` | **d** |",
        "### Heading\n\nمرحبا **بكم** في [المنصة](https://tabadul.ps/b/x) — سؤال؟ نعم.",
    ]
    post = "\n\n".join(blocks[i % len(blocks)] for i in range(700))
    assert len(post) > 44_000
    assert markup.render(post) == "\n".join(
        markup.render(blocks[i % len(blocks)]) for i in range(700)
    )
