"""`make screenshots`: every key page in both languages at 1280 and 360 px, one contact sheet
(PNG) a page in screenshots/, to look at the whole product in a minute.

Not collected with the suite (its name is not test_*); the Makefile names it.
"""

import pytest
from PIL import Image, ImageDraw

from tests.e2e import checks
from tests.e2e.keypages import KEY_PAGES, LANGUAGES, build, to_audit

OUT = checks.ROOT / "screenshots"
WIDTHS = {"1280": checks.DESKTOP, "360": checks.PHONE}
TALLEST = 2400  # a long page is cut here: the sheet shows how it starts
SCALE = {"1280": 0.5, "360": 1.0}  # a desktop shot is halved to sit beside the phone's
LABEL = 28
GAP = 16


@pytest.mark.browser
def test_contact_sheets(app, authority, open_page, tmp_path):
    samples = {language: build(app, language, authority) for language in LANGUAGES}
    shots = {}
    for viewer in sorted({key_page.viewer for key_page in KEY_PAGES}):
        for language in LANGUAGES:
            sample = samples[language]
            page = open_page(None, language=language, person=sample.viewers.get(viewer))
            for key_page in to_audit(app):
                if key_page.viewer != viewer:
                    continue
                for width, viewport in WIDTHS.items():
                    page.set_viewport_size(viewport)
                    page.goto(key_page.url(sample))
                    page.evaluate("document.fonts.ready")
                    path = tmp_path / f"{key_page.name}-{language}-{width}.png"
                    page.screenshot(path=str(path), full_page=True)
                    shots[key_page.name, language, width] = path
            page.context.close()
    OUT.mkdir(exist_ok=True)
    for key_page in to_audit(app):
        sheet(key_page.name, shots).save(OUT / f"{key_page.name}.png", optimize=True)
    assert sorted(path.stem for path in OUT.glob("*.png")) >= sorted(
        key_page.name for key_page in to_audit(app)
    )


def sheet(name, shots):
    """Columns: Arabic 1280, Arabic 360, English 1280, English 360, each labelled."""
    tiles = []
    for language in LANGUAGES:
        for width in WIDTHS:
            image = Image.open(shots[name, language, width]).convert("RGB")
            image = image.crop((0, 0, image.width, min(image.height, TALLEST)))
            size = (int(image.width * SCALE[width]), int(image.height * SCALE[width]))
            tiles.append((f"{name} · {language} · {width}px", image.resize(size)))
    height = LABEL + max(tile.height for _label, tile in tiles)
    width = sum(tile.width for _label, tile in tiles) + GAP * (len(tiles) - 1)
    canvas = Image.new("RGB", (width, height), "#d0d4da")
    draw = ImageDraw.Draw(canvas)
    x = 0
    for label, tile in tiles:
        draw.text((x + 4, 6), label, fill="#000000")
        canvas.paste(tile, (x, LABEL))
        x += tile.width + GAP
    return canvas
