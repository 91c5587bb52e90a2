"""Markdown → sanitised HTML: the only HTML that templates mark safe."""

import html as html_entities

import bleach
import markdown
from bleach.linkifier import Linker
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
# Blocks that hold text directly. A container such as blockquote is left out: with dir="auto"
# it would skip its children's text (they carry their own dir) and fall back to ltr.
BLOCKS_WITH_DIRECTION = {"p", "li", "h3", "h4", "h5", "h6", "td", "th"}
ALLOWED_PROTOCOLS = {"http", "https", "mailto"}
HEADING_SHIFT = {"h1": "h3", "h2": "h4", "h3": "h5", "h4": "h6", "h5": "h6"}


def _allowed_attribute(tag, name, value):
    if name == "dir":
        return tag in BLOCKS_WITH_DIRECTION and value == "auto"
    if tag == "a":
        return name in ("href", "title", "rel")
    return False


class _DirectionAndHeadings(Treeprocessor):
    """Give every block dir="auto" so mixed Arabic/English reads right; shift headings below h2."""

    def run(self, root):
        for element in root.iter():
            element.tag = HEADING_SHIFT.get(element.tag, element.tag)
            if element.tag in BLOCKS_WITH_DIRECTION:
                element.set("dir", "auto")


class _ForumMarkdown(Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(_DirectionAndHeadings(md), "forum_direction", 5)


def _link_attributes(attrs, new=False):
    attrs[(None, "rel")] = "nofollow ugc noopener"
    return attrs


_linker = Linker(callbacks=[_link_attributes], skip_tags={"pre", "code"})


def render(source):
    """Render a post's Markdown; raw HTML in the source is escaped, unsafe links dropped."""
    md = markdown.Markdown(extensions=["fenced_code", "tables", "sane_lists", _ForumMarkdown()])
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    html = md.convert(source or "")
    cleaned = bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=_allowed_attribute,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
    )
    return _linker.linkify(cleaned)


def plain_text(source, limit=None):
    """Text without markup, for page descriptions and notification excerpts."""
    text = html_entities.unescape(bleach.clean(render(source), tags=set(), strip=True))
    text = " ".join(text.split())
    if limit and len(text) > limit:
        return text[: limit - 1].rstrip() + "…"
    return text
