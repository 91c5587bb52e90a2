"""Atom 1.0 documents (RFC 4287), written with xml.etree so that every title, name and text
is escaped by the writer, never by hand."""

import re
from dataclasses import dataclass, field
from datetime import datetime
from xml.etree import ElementTree

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
# Characters XML 1.0 cannot carry at all; the forum's inputs refuse them (forum.inputs), and
# text written before that rule must not make a feed unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Entry:
    id: str  # an absolute URL that stays the entry's for good
    title: str
    link: str  # the page that shows it (absolute)
    published: datetime  # naive UTC, as stored
    updated: datetime
    author: str
    content_html: str | None = None  # sanitised HTML (forum.markup), sent escaped as type="html"
    categories: tuple = ()  # (term, label) pairs


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    link: str  # the page the feed follows
    self_link: str  # the feed's own address, without its reader's token
    updated: datetime
    language: str  # xml:lang, "ar" or "en"
    base: str  # xml:base, against which links inside the posts' HTML resolve
    author: str
    subtitle: str = ""
    entries: list = field(default_factory=list)


def render(feed):
    """The feed as UTF-8 bytes, with the XML declaration."""
    root = ElementTree.Element(
        "feed", {"xmlns": ATOM, _XML_LANG: feed.language, _XML_BASE: feed.base}
    )
    _text(root, "id", feed.id)
    _text(root, "title", feed.title)
    if feed.subtitle:
        _text(root, "subtitle", feed.subtitle)
    _text(root, "updated", timestamp(feed.updated))
    _link(root, feed.link, "alternate", "text/html")
    _link(root, feed.self_link, "self", MEDIA_TYPE)
    _text(ElementTree.SubElement(root, "author"), "name", feed.author)
    for entry in feed.entries:
        _entry(root, entry)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def timestamp(moment):
    """RFC 3339 in UTC, to the second, as Atom dates are written."""
    return moment.replace(microsecond=0).isoformat() + "Z"


def _entry(root, entry):
    element = ElementTree.SubElement(root, "entry")
    _text(element, "id", entry.id)
    _text(element, "title", entry.title)
    _link(element, entry.link, "alternate", "text/html")
    _text(element, "published", timestamp(entry.published))
    _text(element, "updated", timestamp(entry.updated))
    _text(ElementTree.SubElement(element, "author"), "name", entry.author)
    for term, label in entry.categories:
        ElementTree.SubElement(element, "category", {"term": _clean(term), "label": _clean(label)})
    if entry.content_html is not None:
        _text(element, "content", entry.content_html, type="html")


def _text(parent, tag, text, **attributes):
    element = ElementTree.SubElement(parent, tag, attributes)
    element.text = _clean(text)
    return element


def _link(parent, href, rel, media_type):
    ElementTree.SubElement(parent, "link", {"rel": rel, "type": media_type, "href": href})


def _clean(text):
    return _NOT_XML.sub("", str(text))
