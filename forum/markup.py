"""Markdown → sanitised HTML: the only HTML that templates mark safe.

Mentions: `@[Display Name]` (brackets, because names hold spaces and Arabic) mentions the
member with that display name, in any letter case. `render` links it to their profile when
it is given the member's address; a name nobody has, or that two members share, stays text.
A mention inside code is no mention.

Attachments: `![caption](attachment:ID)` places a file of the same post (the caller gives
the post's own files, never another's): a picture as its thumbnail linking to the full image,
any other file as a link. Any other image reference renders as its caption: the forum loads
no picture from elsewhere, and the only `<img>` the sanitiser lets through is a thumbnail's.

Hostile input: Python-Markdown's inline patterns rescan a block once for every character that
may open one (`"[" * 4000` took seconds, `"[a](" * 12000` a minute), its block parser
recurses once per level of nesting and copies the rest of a block at every heading or rule,
and bleach's URL pattern rescans every run of "(". So the work per render is bounded before it
starts: a source nested deeper than MAX_NESTING, or past BLOCK_BUDGET, renders as plain
paragraphs; a block whose openers × length exceeds the budget left renders as its
literal text (AtomicString, which the inline patterns skip); and the URL pattern can start only
at the first "(" of a run. Markdown's output goes to the sanitiser only below MAX_MARKUP_TOKENS.
Ordinary posts stay far under these limits and render as before.
"""

import html as html_entities
import re
import xml.etree.ElementTree as etree
from typing import NamedTuple

import bleach
import markdown
from bleach import linkifier
from bleach.linkifier import Linker
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td",
    "img",
}  # fmt: skip
# Blocks that hold text directly. A container such as blockquote is left out: with dir="auto"
# it would skip its children's text (they carry their own dir) and fall back to ltr.
BLOCKS_WITH_DIRECTION = {"p", "li", "h3", "h4", "h5", "h6", "td", "th"}
ALLOWED_PROTOCOLS = {"http", "https", "mailto"}
HEADING_SHIFT = {"h1": "h3", "h2": "h4", "h3": "h5", "h4": "h6", "h5": "h6"}
MENTION = r"@\[([^\[\]\n]{1,80})\]"  # a display name is at most 80 characters
MENTION_CLASS = "mention"
# Inline work allowed per render, counted as (characters that may open an inline pattern) ×
# (length of the block they are in), summed over blocks: about 0.2 µs a unit at worst, so about
# half a second. A 10,000-character paragraph with 150 links, bold words and code spans uses a
# third of it.
INLINE_BUDGET = 3_000_000
INLINE_OPENERS = re.compile(r"[\[!`*_<&\\]")
# Containers (quotes, list items, 4-space indents) a line may open; deeper is not Markdown a
# person writes, and the block parser recurses once a level (Python's limit is near 300).
MAX_NESTING = 16
# Tags and entities the sanitiser may be given: html5lib, under bleach, takes about 0.1 ms for
# each (a 5,000-row table took 15 s). A post past it is shown as plain paragraphs; a
# 45,000-character post of 600 formatted blocks has 7,500.
MAX_MARKUP_TOKENS = 10_000
# Bare addresses are linked only in a post with fewer dots: the URL pattern is tried after
# each word that ends at a dot, against every top-level domain, eight labels deep ("a-a." *
# 12,500 took 4 s; 1,000 dots of it take half a second). 50,000 characters of prose
# have about 600.
MAX_LINKIFIED_DOTS = 1000
# Each line costs the block parser about 0.1 ms even when it is an empty paragraph.
MAX_LINES = 5000
# Block work allowed per render: lines that may start a heading, rule or list item × the length
# of the blank-line-separated chunk they are in, summed; about 40 ns a unit, so half a second.
BLOCK_BUDGET = 12_000_000
_SPLITTING_LINE = re.compile(r" {0,3}(?:[#=*_+-]|\d{1,9}[.)])")
_CONTAINERS = re.compile(r"[ \t]*(?:>[ \t]*|(?:[*+-]|\d{1,9}[.)])(?:[ \t]+|$))+")


ATTACHMENT_REF = re.compile(r"attachment:(\d{1,12})")
# The only image addresses kept: an attachment's own (forum.attachments.views).
_ATTACHMENT_URL = re.compile(r"/attachments/\d{1,12}(?:/thumbnail)?")


class AttachmentRef(NamedTuple):
    """What a post's Markdown needs to place one of its files."""

    url: str
    thumbnail_url: str | None  # pictures only
    name: str


def _allowed_attribute(tag, name, value):
    if tag == "img":
        if name == "src":
            return bool(_ATTACHMENT_URL.fullmatch(value))
        return name in ("alt", "loading", "class") and (name != "class" or value == "inline")
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


class _Attachments(Treeprocessor):
    """Turns each image into one of the post's files, or into its caption."""

    def __init__(self, md, attachments):
        super().__init__(md)
        self.attachments = attachments

    def run(self, root):
        for image in list(root.iter("img")):
            match = ATTACHMENT_REF.fullmatch(image.get("src", ""))
            found = self.attachments.get(int(match.group(1))) if match else None
            caption = image.get("alt") or (found.name if found else "")
            image.attrib.clear()
            if found is None:
                image.tag, image.text = "span", caption  # the sanitiser keeps its text
            elif found.thumbnail_url:
                image.tag = "a"
                image.set("href", found.url)
                etree.SubElement(image, "img", {"src": found.thumbnail_url, "alt": caption,
                                                "loading": "lazy", "class": "inline"})  # fmt: skip
            else:
                image.tag, image.text = "a", caption
                image.set("href", found.url)


class _InlineBudget(Treeprocessor):
    """Runs before the inline patterns: a block whose work would pass the budget left keeps its
    literal text."""

    def run(self, root):
        left = INLINE_BUDGET
        for element in root.iter():
            for attribute in ("text", "tail"):
                text = getattr(element, attribute)
                if not text or isinstance(text, AtomicString):
                    continue
                cost = len(INLINE_OPENERS.findall(text)) * len(text)
                if cost > left:
                    setattr(element, attribute, AtomicString(text))
                else:
                    left -= cost


class _ForumMarkdown(Extension):
    def __init__(self, mentions=None, attachments=None):
        super().__init__()
        self.mentions = mentions or {}
        self.attachments = attachments or {}
        self.found = set()

    def extendMarkdown(self, md):
        md.treeprocessors.register(_DirectionAndHeadings(md), "forum_direction", 5)
        md.treeprocessors.register(_Attachments(md, self.attachments), "forum_attachments", 6)
        md.treeprocessors.register(_InlineBudget(md), "forum_inline_budget", 30)  # inline: 20
        # Before links (160), so that `@[Name]` is not read as the text of a link.
        mentions = _Mentions(md, self.mentions)
        self.found = mentions.found
        md.inlinePatterns.register(mentions, "forum_mention", 165)


def _link_attributes(attrs, new=False):
    attrs[(None, "rel")] = "nofollow ugc noopener"
    return attrs


def _bounded_url_re():
    """bleach's URL pattern, made linear: it starts only at the first "(" of a run (a match
    starting inside the run starts at its first "(" too), where it tried every "(" of the run
    again; and a domain has at most 8 labels of at most 63 characters (DNS allows 63), where
    it tried the rest of every run of letters and hyphens again from each hyphen."""
    domain = r"([\w-]+\.)+"
    pattern = linkifier.URL_RE.pattern
    assert domain in pattern, "bleach's URL pattern changed: review _bounded_url_re"
    pattern = r"(?<!\()" + pattern.replace(domain, r"([\w-]{1,63}\.){1,8}")
    return re.compile(pattern, linkifier.URL_RE.flags)


_URL_RE = _bounded_url_re()
_linker = Linker(callbacks=[_link_attributes], skip_tags={"pre", "code"}, url_re=_URL_RE)


def render(source, mentions=None, attachments=None):
    """Render a post's Markdown; raw HTML in the source is escaped, unsafe links dropped.

    mentions: mention_key(name) → the address of that member's profile, for the names that
    mentioned_names found and that are members' names. attachments: id → AttachmentRef, the
    post's own files.
    """
    if _beyond_limits(source):
        return _plain_paragraphs(source)
    html, _found = _convert(source, mentions, attachments)
    if html.count("<") + html.count("&") > MAX_MARKUP_TOKENS:
        return _plain_paragraphs(source)
    cleaned = bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=_allowed_attribute,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
    )
    if cleaned.count(".") > MAX_LINKIFIED_DOTS:
        return cleaned  # its Markdown links stay links; bare addresses stay text
    return _linker.linkify(cleaned)


def mentioned_names(source):
    """The names the source mentions (as mention_key gives them), outside code."""
    if "@[" not in (source or "") or _beyond_limits(source):
        return set()
    return _convert(source, None)[1]


def _convert(source, mentions, attachments=None):
    forum = _ForumMarkdown(mentions, attachments)
    md = markdown.Markdown(extensions=["fenced_code", "tables", "sane_lists", forum])
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md.convert(source or ""), forum.found


def _beyond_limits(source):
    """Whether the source has more than MAX_LINES lines, nests deeper than MAX_NESTING, or its
    blocks' splitting lines × length pass BLOCK_BUDGET (the block parser splits a block at
    each such line, copying the rest: 5,000 setext headings in one block took 11 s). Lines
    and blank lines are Markdown's: split at CR and LF only, blank when spaces and tabs."""
    lines = (source or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(lines) > MAX_LINES:
        return True
    work = chunk_length = splitting = 0
    for line in lines:
        if not line.strip(" \t"):
            work += splitting * chunk_length
            chunk_length = splitting = 0
            continue
        chunk_length += len(line) + 1
        splitting += bool(_SPLITTING_LINE.match(line))
        if len(line) - len(line.lstrip(" \t>*+-.)0123456789")) > MAX_NESTING:
            prefix = _CONTAINERS.match(line.expandtabs(4))
            if prefix and _nesting(prefix.group(0)) > MAX_NESTING:
                return True
    return work + splitting * chunk_length > BLOCK_BUDGET


def _nesting(prefix):
    markers = len(re.findall(r"[>*+-]|\d{1,9}[.)]", prefix))
    return markers + prefix.count("    ")


def _plain_paragraphs(source):
    """The source as text, one paragraph per blank-line-separated block: linear whatever it is."""
    blocks = re.split(r"\n[ \t]*\n", source.strip())
    return "\n".join(
        f'<p dir="auto">{html_entities.escape(block, quote=False)}</p>' for block in blocks
    )


def plain_text(source, limit=None):
    """Text without markup, for page descriptions and notification excerpts."""
    text = html_entities.unescape(bleach.clean(render(source), tags=set(), strip=True))
    text = re.sub(MENTION, r"@\1", " ".join(text.split()))  # a mention reads as "@Name"
    if limit and len(text) > limit:
        return text[: limit - 1].rstrip() + "…"
    return text
