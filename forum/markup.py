"""Markdown → sanitised HTML: the only HTML that templates mark safe.

Mentions: `@[Display Name]` (brackets, because names hold spaces and Arabic) mentions the
member with that display name, in any letter case. `render` links it to their profile when
it is given the member's address; a name nobody has, or that two members share, stays text.
A mention inside code is no mention.
"""

import html as html_entities
import re
import xml.etree.ElementTree as etree

import bleach
import markdown
from bleach.linkifier import Linker
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
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
MENTION = r"@\[([^\[\]\n]{1,80})\]"  # a display name is at most 80 characters
MENTION_CLASS = "mention"


def _allowed_attribute(tag, name, value):
    if name == "dir":
        return (tag in BLOCKS_WITH_DIRECTION or tag == "a") and value == "auto"
    if tag == "a":
        # Only a mention carries a class (and dir="auto"): raw HTML in the source is escaped,
        # never kept.
        return name in ("href", "title", "rel") or (name == "class" and value == MENTION_CLASS)
    return False


def mention_key(name):
    """What two spellings of one name have in common: spaces and (Latin) letter case aside."""
    return " ".join(name.split()).lower()


class _Mentions(InlineProcessor):
    """Finds `@[Name]`; links it when `links` has an address for the name."""

    def __init__(self, md, links):
        super().__init__(MENTION, md)
        self.links = links
        self.found = set()

    def handleMatch(self, match, data):
        name = " ".join(match.group(1).split())
        key = mention_key(name)
        if not key:
            return None, None, None
        self.found.add(key)
        href = self.links.get(key)
        if href is None:
            return None, None, None  # not a member's name: the text stays as it was written
        # dir="auto": the mention takes its own name's direction, and the paragraph's dir="auto"
        # skips it (HTML skips descendants with a dir), so "@Yousef شكرًا" stays right-to-left.
        link = etree.Element("a", {"href": href, "class": MENTION_CLASS, "dir": "auto"})
        link.text = "@" + name
        return link, match.start(0), match.end(0)


class _DirectionAndHeadings(Treeprocessor):
    """Give every block dir="auto" so mixed Arabic/English reads right; shift headings below h2."""

    def run(self, root):
        for element in root.iter():
            element.tag = HEADING_SHIFT.get(element.tag, element.tag)
            if element.tag in BLOCKS_WITH_DIRECTION:
                element.set("dir", "auto")


class _ForumMarkdown(Extension):
    def __init__(self, mentions=None):
        super().__init__()
        self.mentions = mentions or {}
        self.found = set()

    def extendMarkdown(self, md):
        md.treeprocessors.register(_DirectionAndHeadings(md), "forum_direction", 5)
        # Before links (160), so that `@[Name]` is not read as the text of a link.
        mentions = _Mentions(md, self.mentions)
        self.found = mentions.found
        md.inlinePatterns.register(mentions, "forum_mention", 165)


def _link_attributes(attrs, new=False):
    attrs[(None, "rel")] = "nofollow ugc noopener"
    return attrs


_linker = Linker(callbacks=[_link_attributes], skip_tags={"pre", "code"})


def render(source, mentions=None):
    """Render a post's Markdown; raw HTML in the source is escaped, unsafe links dropped.

    mentions: mention_key(name) → the address of that member's profile, for the names that
    mentioned_names found and that are members' names.
    """
    html, _found = _convert(source, mentions)
    cleaned = bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=_allowed_attribute,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
    )
    return _linker.linkify(cleaned)


def mentioned_names(source):
    """The names the source mentions (as mention_key gives them), outside code."""
    if "@[" not in (source or ""):
        return set()
    return _convert(source, None)[1]


def _convert(source, mentions):
    forum = _ForumMarkdown(mentions)
    md = markdown.Markdown(extensions=["fenced_code", "tables", "sane_lists", forum])
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md.convert(source or ""), forum.found


def plain_text(source, limit=None):
    """Text without markup, for page descriptions and notification excerpts."""
    text = html_entities.unescape(bleach.clean(render(source), tags=set(), strip=True))
    text = re.sub(MENTION, r"@\1", " ".join(text.split()))  # a mention reads as "@Name"
    if limit and len(text) > limit:
        return text[: limit - 1].rstrip() + "…"
    return text
