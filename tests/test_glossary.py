"""One glossary in both languages (README.md, "Glossary"), held by the catalogs: the Arabic
words for the forum's concepts, Arabic punctuation in Arabic text, no stray spaces.

Every test here reads the committed .po files; the last one shows that each rule finds the
fault it is there to find.
"""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = ROOT / "forum" / "translations"
ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
LATIN_RUN = re.compile(r"[A-Za-z0-9][\x21-\x7e]*[A-Za-z0-9/]")  # a URL, a name, code

# English word in a msgid → what its Arabic msgstr must say (README's glossary; the stem
# covers the article and the plural: منصة، المنصات).
GLOSSARY = {
    r"\bboards?\b": ("Board", "منص"),
    r"\bthreads?\b": ("Thread", "موضوع|مواضيع|الموضوع"),
    r"\btask forces?\b": ("Task force", "فريق|فرق"),
    r"\blocal authorit(y|ies)\b": ("Local authority", "هيئ"),
}
# Words the glossary replaced: never in an Arabic string.
FORBIDDEN = {"لوحة": "منصة (board)", "لوحات": "منصات (boards)"}


def arabic_messages(path=CATALOGS / "ar" / "LC_MESSAGES" / "messages.po"):
    """(msgid, msgstr) for every translated string of the catalog, plural forms apart."""
    with path.open("rb") as po:
        catalog = read_po(po)
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            yield ids[-1], string


def problems(msgid, msgstr):
    """What is wrong with one Arabic translation."""
    found = []
    for word, replacement in FORBIDDEN.items():
        if word in msgstr:
            found.append(f"says {word}: the glossary says {replacement}")
    for pattern, (term, arabic) in GLOSSARY.items():
        english = PLACEHOLDER.sub("", msgid)  # %(board)s is a name, not the word
        if re.search(pattern, english, re.IGNORECASE) and not re.search(arabic, msgstr):
            found.append(f'"{term}" is not translated as the glossary says ({arabic})')
    if ARABIC_LETTER.search(msgstr):
        text = LATIN_RUN.sub("", PLACEHOLDER.sub("", msgstr))
        for latin, arabic in ((",", "،"), (";", "؛"), ("?", "؟")):
            if latin in text:
                found.append(f'a Latin "{latin}" in Arabic text (write "{arabic}")')
    if "  " in msgstr:
        found.append("a double space")
    if msgstr != msgstr.strip() and msgid == msgid.strip():
        found.append("a space at an end")
    if re.search(r"\s[،؛؟.:!]", msgstr):
        found.append("a space before punctuation")
    return found


def test_the_readme_has_the_glossary():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for term, arabic in (("Board", "منصة"), ("Thread", "موضوع"), ("Task force", "فريق عمل"),
                         ("Local authority", "هيئة محلية"), ("Private", "خاص")):  # fmt: skip
        assert re.search(rf"^\| {term} \| {arabic} \|", readme, re.MULTILINE), term


def test_arabic_strings_follow_the_glossary_and_arabic_punctuation():
    found = {
        msgid: message
        for msgid, msgstr in arabic_messages()
        if msgstr and (message := problems(msgid, msgstr))
    }
    assert found == {}


@pytest.mark.parametrize("language", ["ar", "en"])
def test_both_catalogs_are_complete(language):
    path = CATALOGS / language / "LC_MESSAGES" / "messages.po"
    missing = [msgid for msgid, msgstr in arabic_messages(path) if not msgstr]
    assert missing == []
    assert "#, fuzzy" not in path.read_text(encoding="utf-8").split("\n\n", 1)[1]


@pytest.mark.parametrize(
    ("msgid", "msgstr", "fault"),
    [
        ("Boards", "اللوحات", "says لوحات"),
        ("Boards", "الأقسام", '"Board" is not translated'),
        ("Thread", "المنشور", '"Thread" is not translated'),
        ("Name, email", "الاسم, البريد", 'a Latin ","'),
        ("Sure?", "هل أنت متأكد?", 'a Latin "?"'),
        ("A; B", "أ; ب", 'a Latin ";"'),
        ("Save", "حفظ  التغييرات", "a double space"),
        ("Save", "حفظ ", "a space at an end"),
        ("Saved.", "تم الحفظ .", "a space before punctuation"),
    ],
)
def test_each_rule_finds_its_fault(msgid, msgstr, fault):
    assert any(problem.startswith(fault) for problem in problems(msgid, msgstr))


def test_placeholders_links_and_latin_words_are_not_faults():
    assert problems("Hello %(name)s, welcome", "مرحبًا %(name)s، أهلًا") == []
    assert problems("See https://example.org/a,b", "انظر https://example.org/a,b") == []
    assert problems("Board", "منصة") == []
