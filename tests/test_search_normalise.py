"""The normaliser: every way Arabic (and English) is typed folds to one form, as a table."""

import pytest

from forum.search.normalise import normalise, tokens, variants

NORMALISED = [
    # (as typed, normalised)
    ("البلديّة", "البلديه"),  # shadda stripped, taa marbuta → haa
    ("مَدْرَسَةٌ", "مدرسه"),  # every haraka and tanween
    ("إلكترونياً", "الكترونيا"),  # alef with hamza below, tanween on alef
    ("أطلقنا", "اطلقنا"),  # alef with hamza above
    ("آمنة", "امنه"),  # alef with madda
    ("ٱلرحمن", "الرحمن"),  # alef wasla
    ("مستشفى", "مستشفي"),  # alef maqsura → yaa
    ("مسؤولية", "مسووليه"),  # hamza on waw → waw
    ("المسائل", "المسايل"),  # hamza on yaa → yaa
    ("ســـلام", "سلام"),  # tatweel
    ("٢٠٢٥", "2025"),  # Arabic-Indic digits
    ("۱۲۳", "123"),  # Persian digits
    ("ﻻ", "لا"),  # presentation form (NFKC)
    ("Municipality", "municipality"),  # case folded
    ("STRASSE straße", "strasse strasse"),  # full case folding
    ("café", "cafe"),  # Latin accents go too
    ("ﬁnance", "finance"),  # ligature (NFKC)
    ("", ""),
]


@pytest.mark.parametrize(("typed", "expected"), NORMALISED)
def test_normalise(typed, expected):
    assert normalise(typed) == expected


TOKENS = [
    ("هل لدى البلدية، أو المجلس؟ تجربة!", ["هل", "لدي", "البلديه", "او", "المجلس", "تجربه"]),
    ('"NEAR" (AND OR -NOT) *', ["near", "and", "or", "not"]),
    ("snake_case\x00nul", ["snake", "case", "nul"]),
    ("٣٠٪ من المياه", ["30", "من", "المياه"]),
    ("...؟!،", []),
]


@pytest.mark.parametrize(("text", "expected"), TOKENS)
def test_tokens(text, expected):
    assert tokens(text) == expected


VARIANTS = [
    # (normalised token, its forms without attached prefixes)
    ("البلديه", ["بلديه"]),
    ("وللبلديه", ["بلديه", "لبلديه", "للبلديه"]),
    ("بالمجلس", ["مجلس", "المجلس"]),
    ("والنفايات", ["نفايات", "النفايات"]),
    ("فالمدرسه", ["مدرسه", "المدرسه"]),
    ("كالعاده", ["عاده", "العاده"]),
    ("للمواطنين", ["مواطنين", "لمواطنين"]),
    ("لتحصيل", ["تحصيل"]),
    ("بلد", []),  # what would stay is too short to be a word
    ("الله", []),
    ("municipality", []),  # only Arabic words have these prefixes
    ("2025", []),
]


@pytest.mark.parametrize(("token", "expected"), VARIANTS)
def test_variants(token, expected):
    assert sorted(variants(token)) == sorted(expected)
